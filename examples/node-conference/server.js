// A contact-centre app that puts callers on hold the recommended way: the
// customer and the agent talk in a conference, and hold is a property of a
// participant (Hold=true with a HoldUrl), so no call leg is ever
// redirected (https://www.twilio.com/docs/voice/api/conference-participant-resource).
//
// It uses Twilio's official Node SDK and node's http module. holdlab tests
// it with `holdlab run --app holdlab.yaml`: holdlab starts it with
// HOLDLAB_API_BASE set, and the SDK then talks to holdlab's fake instead of
// api.twilio.com. Without HOLDLAB_API_BASE it talks to Twilio.
//
// Its own API (what an agent's desktop would call):
//   POST /hold    CallSid=<first leg> Who=customer|agent   204, 410 if the call is over
//   POST /unhold  {"callSid": "<first leg>"}               204, 409 if nobody is on hold
//   POST /call    To=<customer>                            {"callSid": "<agent's leg>"}
"use strict";

const http = require("node:http");
const twilio = require("twilio");

const port = Number(process.env.PORT || 3000);
// The URL Twilio reaches this app at, for the callbacks it is given.
const appUrl = process.env.HOLDLAB_APP_URL || `http://127.0.0.1:${port}`;
const accountSid = process.env.TWILIO_ACCOUNT_SID;
const authToken = process.env.TWILIO_AUTH_TOKEN;
const support = process.env.HOLDLAB_SUPPORT_NUMBER || process.env.SUPPORT_NUMBER;
const agent = process.env.HOLDLAB_AGENT_NUMBER || process.env.AGENT_NUMBER;
const music = "https://cdn.example.com/hold-music.mp3";

// Point the SDK at holdlab: a RequestClient that sends Twilio's requests
// (paths, bodies, credentials unchanged) to another host.
const apiBase = process.env.HOLDLAB_API_BASE;
class HoldlabRequestClient extends twilio.RequestClient {
  request(opts) {
    return super.request({ ...opts, uri: opts.uri.replace(/^https:\/\/api\.twilio\.com/, apiBase) });
  }
}
// REST requests authenticate with an API key, as Twilio recommends
// (https://www.twilio.com/docs/iam/api-keys); webhooks stay signed with the
// auth token.
const client = twilio(process.env.TWILIO_API_KEY, process.env.TWILIO_API_SECRET, {
  accountSid,
  ...(apiBase ? { httpClient: new HoldlabRequestClient() } : {}),
});

// Each conversation has its own room, named after its first leg.
const room = (firstLeg) => `support-${firstLeg}`;

// The TwiML that puts the current call in the room, labelled who.
function join(firstLeg, who) {
  const twiml = new twilio.twiml.VoiceResponse();
  const dial = twiml.dial({ action: `${appUrl}/left` });
  dial.conference(
    { startConferenceOnEnter: true, endConferenceOnExit: true, participantLabel: who, beep: "false" },
    room(firstLeg),
  );
  return twiml.toString();
}

// addParticipant dials a party into the room through the REST API.
function addParticipant(firstLeg, who, to) {
  return client.conferences(room(firstLeg)).participants.create({
    from: support,
    to,
    label: who,
    startConferenceOnEnter: true,
    endConferenceOnExit: true,
    beep: "false",
  });
}

// liveRoom returns the conference of a conversation, or null once it ended.
async function liveRoom(firstLeg) {
  const rooms = await client.conferences.list({ friendlyName: room(firstLeg), status: "in-progress", limit: 1 });
  return rooms[0] || null;
}

// A REST error meaning the call or the room is gone.
const gone = (err) => err && (err.status === 404 || err.code === 20404 || err.code === 21220);

// setRecording pauses (leaving the hold out of it) or resumes the call's
// recording, if it is being recorded, so that the recording holds no hold
// music (https://www.twilio.com/docs/voice/api/recording#update-a-recording-resource).
async function setRecording(callSid, status) {
  const params = status === "paused" ? { status, pauseBehavior: "skip" } : { status };
  try {
    await client.calls(callSid).recordings("Twilio.CURRENT").update(params);
  } catch (err) {
    if (!gone(err)) throw err; // 404: no recording
  }
}

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const webhooks = {
  // The customer rings the support line: the agent is dialled into a new
  // room, and the customer joins it.
  async "POST /voice"(params) {
    await addParticipant(params.CallSid, "agent", agent);
    return join(params.CallSid, "customer");
  },
  // The agent answered the call /call placed: the customer is dialled in.
  async "POST /outbound"(params, query) {
    await addParticipant(params.CallSid, "customer", query.get("customer"));
    return join(params.CallSid, "agent");
  },
  // What a held participant hears.
  async "GET /music"() {
    const twiml = new twilio.twiml.VoiceResponse();
    twiml.play({ loop: 0 }, music);
    return twiml.toString();
  },
  // The room ended: hang up.
  async "POST /left"() {
    return new twilio.twiml.VoiceResponse().hangup().toString();
  },
};

const api = {
  async "POST /hold"(params) {
    const conf = await liveRoom(params.CallSid);
    if (!conf) throw new HttpError(410, "the call has already ended");
    const who = params.Who === "agent" ? "agent" : "customer";
    try {
      const p = await client.conferences(conf.sid).participants(who).update({ hold: true, holdUrl: `${appUrl}/music`, holdMethod: "GET" });
      await setRecording(p.callSid, "paused");
    } catch (err) {
      if (gone(err)) throw new HttpError(410, `the ${who} has left: ${err.message}`);
      throw err;
    }
    return null;
  },
  async "POST /unhold"(params) {
    const conf = await liveRoom(params.callSid);
    if (!conf) throw new HttpError(410, "the call has already ended");
    const held = await client.conferences(conf.sid).participants.list({ hold: true });
    if (held.length === 0) throw new HttpError(409, "nobody is on hold");
    try {
      for (const p of held) {
        await client.conferences(conf.sid).participants(p.callSid).update({ hold: false });
        await setRecording(p.callSid, "in-progress");
      }
    } catch (err) {
      if (gone(err)) throw new HttpError(410, `the call has already ended: ${err.message}`);
      throw err;
    }
    return null;
  },
  async "POST /call"(params) {
    const call = await client.calls.create({
      to: agent,
      from: support,
      url: `${appUrl}/outbound?customer=${encodeURIComponent(params.To)}`,
    });
    return { callSid: call.sid };
  },
  async "GET /healthz"() {
    return { ok: true };
  },
};

function readBody(req) {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, appUrl);
  const route = `${req.method} ${url.pathname}`;
  try {
    const body = await readBody(req);
    if (webhooks[route]) {
      const params = Object.fromEntries(new URLSearchParams(body));
      // Only Twilio may call the webhooks: check X-Twilio-Signature
      // (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
      if (!twilio.validateRequest(authToken, req.headers["x-twilio-signature"] || "", appUrl + req.url, params)) {
        res.writeHead(403).end("bad signature");
        return;
      }
      const twiml = await webhooks[route](params, url.searchParams);
      res.writeHead(200, { "Content-Type": "text/xml" }).end(twiml);
      return;
    }
    if (api[route]) {
      const json = (req.headers["content-type"] || "").startsWith("application/json");
      const params = json ? JSON.parse(body || "{}") : Object.fromEntries(new URLSearchParams(body));
      const out = await api[route](params);
      if (out === null) res.writeHead(204).end();
      else res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(out));
      return;
    }
    res.writeHead(404).end("not found");
  } catch (err) {
    const status = err instanceof HttpError ? err.status : 500;
    if (status === 500) console.error(`${route}:`, err);
    res.writeHead(status, { "Content-Type": "text/plain" }).end(err.message);
  }
});

server.listen(port, "127.0.0.1", () => console.log(`listening on ${appUrl}`));
process.on("SIGTERM", () => server.close(() => process.exit(0)));
