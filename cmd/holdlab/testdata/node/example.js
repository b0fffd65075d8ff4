// An app using Twilio's official Node SDK (the "twilio" npm package),
// pointed at `holdlab serve` instead of api.twilio.com. CI runs it against a
// fresh `holdlab serve`; it exits non-zero on any mismatch.
//
//   HOLDLAB_URL=http://127.0.0.1:8088 node example.js
"use strict";

const twilio = require("twilio");

const base = process.env.HOLDLAB_URL || "http://127.0.0.1:8088";
const accountSid = process.env.TWILIO_ACCOUNT_SID || "AC00000000000000000000000000000000";
const authToken = process.env.TWILIO_AUTH_TOKEN || "00000000000000000000000000000000";

// The few lines that point the SDK at holdlab: a RequestClient that sends
// Twilio's requests (paths, bodies, credentials unchanged) to another host.
class HoldlabRequestClient extends twilio.RequestClient {
  request(opts) {
    return super.request({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, base) });
  }
}
const client = twilio(accountSid, authToken, { httpClient: new HoldlabRequestClient() });

let failures = 0;
let passes = 0;
function check(ok, what, got) {
  if (ok) {
    passes++;
    console.log(`ok   ${what}`);
  } else {
    failures++;
    console.error(`FAIL ${what}: got ${JSON.stringify(got)}`);
  }
}

async function main() {
  // A number of the account, with a random line so that reruns against the
  // same server do not collide.
  const support = "+1555000" + String(1000 + Math.floor(Math.random() * 9000));
  const agent = "+15550002000";

  const number = await client.incomingPhoneNumbers.create({ phoneNumber: support, voiceUrl: "https://app.example.com/voice" });
  check(number.sid.startsWith("PN") && number.phoneNumber === support, "create a number", number.toJSON());
  check(number.voiceUrl === "https://app.example.com/voice", "the number's VoiceUrl", number.voiceUrl);

  const call = await client.calls.create({ to: agent, from: support, twiml: '<Response><Pause length="60"/></Response>' });
  check(/^CA[0-9a-f]{32}$/.test(call.sid), "create a call", call.sid);
  check(call.status === "queued" && call.direction === "outbound-api", "the new call is queued, outbound-api", [call.status, call.direction]);
  check(call.from === support && call.to === agent, "the call's numbers", [call.from, call.to]);

  const fetched = await client.calls(call.sid).fetch();
  check(fetched.sid === call.sid, "fetch the call", fetched.sid);
  check(["queued", "ringing", "in-progress"].includes(fetched.status), "the call is under way", fetched.status);
  check(fetched.dateCreated instanceof Date && !isNaN(fetched.dateCreated), "dates parse as dates", fetched.dateCreated);

  const calls = await client.calls.list({ to: agent, limit: 20 });
  check(calls.some((c) => c.sid === call.sid), "list calls to the agent", calls.map((c) => c.sid));

  try {
    await client.calls("CA" + "0".repeat(32)).fetch();
    check(false, "an unknown call is Twilio's 20404", "no error");
  } catch (err) {
    check(err.status === 404 && err.code === 20404, "an unknown call is Twilio's 20404", { status: err.status, code: err.code });
  }

  const ended = await client.calls(call.sid).update({ status: "completed" });
  check(["completed", "canceled"].includes(ended.status), "hang up the call", ended.status);
}

main()
  .then(() => {
    // A closing line any CI reads: "N passed, N failed".
    console.log(`${passes} passed, ${failures} failed`);
    if (failures > 0) {
      process.exit(1);
    }
  })
  .catch((err) => {
    console.error("error:", err);
    process.exit(1);
  });
