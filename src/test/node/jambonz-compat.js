// Checks our signatures with jambonz's own verifier (@jambonz/node-client), and signs by its rules for us to verify.
// Usage: node jambonz-compat.js <vectors.json> ; prints {"accepted":[...],"nodeSigned":[...]} on stdout.
const fs = require('fs');
const crypto = require('crypto');
const { WebhookResponse } = require('@jambonz/node-client');

const vectors = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const accepted = vectors.map((v) => {
  const req = { url: '/webhook', body: Buffer.from(v.body, 'utf8'), get: (name) => (name === 'Jambonz-Signature' ? v.header : undefined) };
  try {
    let passed = false;
    WebhookResponse.verifyJambonzSignature(v.secrets)(req, {}, () => { passed = true; });
    return passed;
  } catch (e) {
    return false;
  }
});

// jambonz signs JSON.stringify(payload) with HMAC-SHA256 over `${t}.${data}`, hex encoded
const t = Math.floor(Date.now() / 1000);
const payload = { sessionId: 'sess-ü-"1"', event: 'barge_in', confidence: 0.91, transcript: 'wait\nplease ☎', timestamp: 1718452901234 };
const data = JSON.stringify(payload);
const signature = crypto.createHmac('sha256', 'node-secret').update(`${t}.${data}`, 'utf8').digest('hex');
const nodeSigned = [{ secret: 'node-secret', body: data, header: `t=${t},v1=${signature}` }];

process.stdout.write(JSON.stringify({ accepted, nodeSigned }));
