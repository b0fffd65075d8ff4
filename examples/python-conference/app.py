"""A contact-centre app that puts callers on hold the recommended way.

The customer and the agent talk in a conference, and hold is a property of
a participant (Hold=true with a HoldUrl), so no call leg is ever redirected
(https://www.twilio.com/docs/voice/api/conference-participant-resource).

It uses Twilio's Python SDK and Flask, both from Debian (python3-twilio,
python3-flask). holdlab tests it with `holdlab run --app holdlab.yaml`:
holdlab starts it with HOLDLAB_API_BASE set, and the SDK then talks to
holdlab's fake instead of api.twilio.com. Without HOLDLAB_API_BASE it talks
to Twilio.

Its own API (what an agent's desktop would call):
  POST /hold    CallSid=<first leg> Who=customer|agent   204, 410 if the call is over
  POST /unhold  {"callSid": "<first leg>"}               204, 409 if nobody is on hold
  POST /call    To=<customer>                            {"callSid": "<agent's leg>"}
"""

import logging
import os
from urllib.parse import quote

from flask import Flask, Response, abort, jsonify, request
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.voice_response import Dial, VoiceResponse

PORT = int(os.environ.get("PORT", "5000"))
# The URL Twilio reaches this app at, for the callbacks it is given.
APP_URL = os.environ.get("HOLDLAB_APP_URL", f"http://127.0.0.1:{PORT}")
ACCOUNT_SID = os.environ["TWILIO_ACCOUNT_SID"]
AUTH_TOKEN = os.environ["TWILIO_AUTH_TOKEN"]
SUPPORT = os.environ.get("HOLDLAB_SUPPORT_NUMBER") or os.environ["SUPPORT_NUMBER"]
AGENT = os.environ.get("HOLDLAB_AGENT_NUMBER") or os.environ["AGENT_NUMBER"]
MUSIC = "https://cdn.example.com/hold-music.mp3"
API_BASE = os.environ.get("HOLDLAB_API_BASE")


class HoldlabHttpClient(TwilioHttpClient):
    """Sends Twilio's requests (paths, bodies, credentials unchanged) to holdlab."""

    def request(self, method, url, *args, **kwargs):
        url = url.replace("https://api.twilio.com", API_BASE, 1)
        return super().request(method, url, *args, **kwargs)


# REST requests authenticate with an API key, as Twilio recommends
# (https://www.twilio.com/docs/iam/api-keys); webhooks stay signed with the
# auth token.
client = Client(os.environ["TWILIO_API_KEY"], os.environ["TWILIO_API_SECRET"], ACCOUNT_SID,
                http_client=HoldlabHttpClient() if API_BASE else None)
validator = RequestValidator(AUTH_TOKEN)
app = Flask(__name__)
logging.getLogger("werkzeug").setLevel(logging.WARNING)


def room(first_leg):
    """Each conversation has its own room, named after its first leg."""
    return f"support-{first_leg}"


def twiml(response):
    return Response(str(response), mimetype="text/xml")


def join(first_leg, who):
    """The TwiML that puts the current call in the room, labelled who."""
    response = VoiceResponse()
    dial = Dial(action=f"{APP_URL}/left")
    dial.conference(room(first_leg), start_conference_on_enter=True, end_conference_on_exit=True,
                    participant_label=who, beep="false")
    response.append(dial)
    return twiml(response)


def add_participant(first_leg, who, to):
    """Dials a party into the room through the REST API."""
    client.conferences(room(first_leg)).participants.create(
        from_=SUPPORT, to=to, label=who, start_conference_on_enter=True,
        end_conference_on_exit=True, beep="false")


def live_room(first_leg):
    """The conference of a conversation, or None once it ended."""
    rooms = client.conferences.list(friendly_name=room(first_leg), status="in-progress", limit=1)
    return rooms[0] if rooms else None


def gone(err):
    """A REST error meaning the call or the room is gone."""
    return err.status == 404 or err.code in (20404, 21220)


def set_recording(call_sid, status):
    """Pause (leaving the hold out of it) or resume the call's recording, if
    it is being recorded, so that the recording holds no hold music
    (https://www.twilio.com/docs/voice/api/recording#update-a-recording-resource)."""
    extra = {"pause_behavior": "skip"} if status == "paused" else {}
    try:
        client.calls(call_sid).recordings("Twilio.CURRENT").update(status=status, **extra)
    except TwilioRestException as err:
        if not gone(err):  # 404: no recording
            raise


@app.before_request
def check_signature():
    """Only Twilio may call the webhooks: check X-Twilio-Signature
    (https://www.twilio.com/docs/usage/webhooks/webhooks-security)."""
    if request.path not in ("/voice", "/outbound", "/music", "/left"):
        return None
    url = APP_URL + request.path + ("?" + request.query_string.decode() if request.query_string else "")
    if not validator.validate(url, request.form, request.headers.get("X-Twilio-Signature", "")):
        abort(403)
    return None


@app.post("/voice")
def voice():
    """The customer rings the support line: the agent is dialled into a new room, and the customer joins it."""
    add_participant(request.form["CallSid"], "agent", AGENT)
    return join(request.form["CallSid"], "customer")


@app.post("/outbound")
def outbound():
    """The agent answered the call /call placed: the customer is dialled in."""
    add_participant(request.form["CallSid"], "customer", request.args["customer"])
    return join(request.form["CallSid"], "agent")


@app.get("/music")
def music():
    """What a held participant hears."""
    response = VoiceResponse()
    response.play(MUSIC, loop=0)
    return twiml(response)


@app.post("/left")
def left():
    """The room ended: hang up."""
    response = VoiceResponse()
    response.hangup()
    return twiml(response)


@app.post("/hold")
def hold():
    conf = live_room(request.form["CallSid"])
    if conf is None:
        return "the call has already ended", 410
    who = "agent" if request.form.get("Who") == "agent" else "customer"
    try:
        p = client.conferences(conf.sid).participants(who).update(hold=True, hold_url=f"{APP_URL}/music", hold_method="GET")
        set_recording(p.call_sid, "paused")
    except TwilioRestException as err:
        if gone(err):
            return f"the {who} has left: {err.msg}", 410
        raise
    return "", 204


@app.post("/unhold")
def unhold():
    conf = live_room(request.get_json()["callSid"])
    if conf is None:
        return "the call has already ended", 410
    held = client.conferences(conf.sid).participants.list(hold=True)
    if not held:
        return "nobody is on hold", 409
    try:
        for p in held:
            client.conferences(conf.sid).participants(p.call_sid).update(hold=False)
            set_recording(p.call_sid, "in-progress")
    except TwilioRestException as err:
        if gone(err):
            return f"the call has already ended: {err.msg}", 410
        raise
    return "", 204


@app.post("/call")
def call():
    c = client.calls.create(to=AGENT, from_=SUPPORT, url=f"{APP_URL}/outbound?customer={quote(request.form['To'])}")
    return jsonify(callSid=c.sid)


@app.get("/healthz")
def healthz():
    return jsonify(ok=True)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=PORT, threaded=True)
