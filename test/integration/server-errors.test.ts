/**
 * A listening server's own errors (an accept that fails: EMFILE, ENFILE)
 * go to the gateway's log instead of being thrown: an 'error' event nobody
 * listens to would take the whole process down.
 */
import { expect } from 'chai';
import express from 'express';
import { listen } from '../../src/api/server.js';

describe('HTTP server errors after listening', () => {
  it('reports an accept error to onError and keeps serving', async () => {
    const app = express();
    app.get('/ping', (_req, res) => { res.json({ pong: true }); });
    const reported: Error[] = [];
    const running = await listen(app, '127.0.0.1', 0, (error) => reported.push(error));
    try {
      const emfile = Object.assign(new Error('accept EMFILE'), { code: 'EMFILE', syscall: 'accept' });
      expect(() => running.server.emit('error', emfile)).to.not.throw();
      expect(reported).to.deep.equal([emfile]);
      expect(await (await fetch(`${running.url}/ping`)).json()).to.deep.equal({ pong: true });
    } finally {
      await running.stop(1000);
    }
  });
});
