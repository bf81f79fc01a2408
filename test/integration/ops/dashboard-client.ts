/** A minimal browser for dashboard tests: a cookie jar over fetch, manual redirects, CSRF tokens read from pages. */
export interface PageAnswer {
  status: number;
  location: string | null;
  body: string;
  setCookies: string[];
  headers: Headers;
}

export class DashboardClient {
  readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string, private readonly accept = 'text/html,application/xhtml+xml') {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private remember(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attributes] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      if (attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute))) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request(method: 'GET' | 'POST', path: string, fields?: Record<string, string>, headers: Record<string, string> = {}): Promise<PageAnswer> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      redirect: 'manual',
      headers: {
        accept: this.accept,
        ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}),
        ...(fields ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...headers,
      },
      ...(fields ? { body: new URLSearchParams(fields).toString() } : {}),
    });
    const setCookies = response.headers.getSetCookie();
    this.remember(setCookies);
    return { status: response.status, location: response.headers.get('location'), body: await response.text(), setCookies, headers: response.headers };
  }

  get(path: string): Promise<PageAnswer> {
    return this.request('GET', path);
  }

  post(path: string, fields: Record<string, string>): Promise<PageAnswer> {
    return this.request('POST', path, fields);
  }

  /** The CSRF token a page's forms carry. */
  static csrfOf(body: string): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(body);
    if (!match) throw new Error('no CSRF token on the page');
    return match[1]!;
  }

  /** Logs in through the login page; returns the final answer of POST /ops/login. */
  async login(username: string, password: string, next = '/ops'): Promise<PageAnswer> {
    const form = await this.get(`/ops/login?next=${encodeURIComponent(next)}`);
    return this.post('/ops/login', { _csrf: DashboardClient.csrfOf(form.body), username, password, next });
  }

  /** A signed-in page's CSRF token (from the overview). */
  async csrf(): Promise<string> {
    const page = await this.get('/ops');
    if (page.status !== 200) throw new Error(`GET /ops answered ${page.status}`);
    return DashboardClient.csrfOf(page.body);
  }
}
