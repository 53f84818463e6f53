// vigil demo target: the security flaws in this file are DELIBERATE, planted for vigil's
// scanners to find. Do not copy this code into anything real.
import { exec } from 'node:child_process';
import crypto from 'node:crypto';
import https from 'node:https';
import jwt from 'jsonwebtoken';

/** Admin routes: backups, staff log-in, supplier price feeds. */
export function adminRoutes(app) {
  app.post('/api/admin/backup', (req, res) => {
    // FLAW (CWE-78): the backup name from the request becomes part of a shell command
    exec(`tar czf /var/backups/${req.body.name}.tgz /srv/shop`, (err) => {
      res.json({ ok: !err });
    });
  });

  app.post('/api/admin/login', (req, res) => {
    // FLAW (CWE-327/916): a fast, unsalted hash for passwords
    const digest = crypto.createHash('md5').update(req.body.password).digest('hex');
    if (digest !== process.env.ADMIN_PASSWORD_MD5) return res.status(401).end();
    // FLAW (CWE-798): the token signing secret is in the source
    const token = jwt.sign({ sub: 'admin' }, 'shop-demo-signing-secret', { expiresIn: '1h' });
    // FLAW (CWE-1004): the session cookie is readable from JavaScript
    res.cookie('session', token, { httpOnly: false, secure: true, sameSite: 'strict' });
    return res.json({ ok: true });
  });

  app.get('/api/admin/back', (req, res) => {
    // FLAW (CWE-601): redirects wherever the query string says
    res.redirect(req.query.to);
  });
}

/** Fetch a supplier's price list. */
export function fetchPriceFeed(url) {
  // FLAW (CWE-295): certificate checks turned off
  return https.get(url, { rejectUnauthorized: false });
}
