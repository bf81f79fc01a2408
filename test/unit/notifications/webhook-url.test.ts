/** Webhook endpoint URLs: http(s) only, no credentials, never the gateway's own listening address. */
import { expect } from 'chai';
import { hostname } from 'node:os';
import { checkWebhookUrl, type OwnAddress } from '../../../src/notifications/webhook-url.js';
import { isTongbanError } from '../../../src/errors/index.js';

const loopback: OwnAddress = { url: 'http://127.0.0.1:8080', host: '127.0.0.1', port: 8080 };
const everywhere: OwnAddress = { url: 'http://0.0.0.0:8443', host: '0.0.0.0', port: 8443 };

function refusal(url: unknown, own = loopback): string | undefined {
  try {
    checkWebhookUrl(url, own);
    return undefined;
  } catch (error) {
    if (!isTongbanError(error)) throw error;
    expect(error.errors!.map((field) => field.pointer)).to.deep.equal(['/url']);
    return error.errors![0]!.message;
  }
}

describe('webhook endpoint URLs', () => {
  it('accepts http and https URLs of other hosts and ports', () => {
    expect(refusal('https://platform.example.cn/tongban/events')).to.equal(undefined);
    expect(refusal('http://127.0.0.1:9000/events')).to.equal(undefined);
    expect(refusal('https://127.0.0.1/events'), 'port 443, not the gateway\'s').to.equal(undefined);
    expect(checkWebhookUrl('HTTPS://Platform.Example.CN/a?b=1', loopback)).to.equal('https://platform.example.cn/a?b=1');
  });

  it('refuses other schemes, relative URLs, credentials, overlong URLs', () => {
    expect(refusal('ftp://platform.test/')).to.match(/http or https, not ftp/);
    expect(refusal('file:///etc/passwd')).to.match(/not file/);
    expect(refusal('javascript:alert(1)')).to.match(/not javascript/);
    expect(refusal('/events')).to.match(/not an absolute URL/);
    expect(refusal(42)).to.match(/is required/);
    expect(refusal('https://user:secret@platform.test/')).to.match(/credentials/);
    expect(refusal(`https://platform.test/${'a'.repeat(2000)}`)).to.match(/at most 2000/);
  });

  it('refuses the gateway itself: its port on its names, loopback addresses, the machine\'s name', () => {
    for (const url of ['http://127.0.0.1:8080/v1/applications', 'http://localhost:8080/', 'http://[::1]:8080/', 'http://127.0.0.2:8080/', 'http://0.0.0.0:8080/', `http://${hostname()}:8080/`]) {
      expect(refusal(url), url).to.match(/the gateway itself/);
    }
  });

  it('listening on every interface: the port on any loopback address is the gateway', () => {
    expect(refusal('http://127.0.0.1:8443/', everywhere)).to.match(/the gateway itself/);
    expect(refusal('http://localhost:8443/', everywhere)).to.match(/the gateway itself/);
    expect(refusal('https://platform.test:8443/', everywhere)).to.equal(undefined);
  });
});
