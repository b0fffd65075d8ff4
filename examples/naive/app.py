"""The naive way to hold a call, kept to show the pitfall holdlab catches.

The customer and the agent are the two legs of a <Dial>. To hold a party,
this app redirects its leg to hold music; to unhold it, it redirects the leg
to a fresh <Dial> of the other party. It looks right and is wrong:
redirecting the parent leg of a <Dial> makes Twilio hang up the child, and
redirecting the child ends the parent's <Dial>, which then hangs up too
(https://www.twilio.com/docs/voice/twiml/dial). `holdlab run --app
examples/naive/holdlab.yaml` fails, and names the pitfall.

Twilio's Python SDK and Flask from Debian (python3-twilio, python3-flask).
"""

import logging
import os
from urllib.parse import quote

from flask import Flask, Response, jsonify, request
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client
from twilio.twiml.voice_response import VoiceResponse

PORT = int(os.environ.get("PORT", "5000"))
APP_URL = os.environ.get("HOLDLAB_APP_URL", f"http://127.0.0.1:{PORT}")
SUPPORT = os.environ["HOLDLAB_SUPPORT_NUMBER"]
AGENT = os.environ["HOLDLAB_AGENT_NUMBER"]
API_BASE = os.environ.get("HOLDLAB_API_BASE")


class HoldlabHttpClient(TwilioHttpClient):
    """Sends Twilio's requests to holdlab."""

    def request(self, method, url, *args, **kwargs):
        return super().request(method, url.replace("https://api.twilio.com", API_BASE, 1), *args, **kwargs)


client = Client(os.environ["TWILIO_ACCOUNT_SID"], os.environ["TWILIO_AUTH_TOKEN"],
                http_client=HoldlabHttpClient() if API_BASE else None)
app = Flask(__name__)
logging.getLogger("werkzeug").setLevel(logging.WARNING)
held = {}  # first leg -> the party on hold


def dial(to):
    response = VoiceResponse()
    response.dial(to, caller_id=SUPPORT)
    return Response(str(response), mimetype="text/xml")


@app.post("/voice")
def voice():
    return dial(AGENT)


@app.post("/outbound")
def outbound():
    return dial(request.args["customer"])


@app.get("/music")
def music():
    response = VoiceResponse()
    response.play("https://cdn.example.com/hold-music.mp3", loop=0)
    return Response(str(response), mimetype="text/xml")


@app.post("/redial")
def redial():
    return dial(request.args["to"])


def redirect(leg, url):
    try:
        client.calls(leg).update(url=url, method="POST" if "/redial" in url else "GET")
    except TwilioRestException as err:
        if err.code in (20404, 21220):
            return f"the call has already ended: {err.msg}", 410
        raise
    return "", 204


@app.post("/hold")
def hold():
    who = request.form["Who"]
    held[request.form["CallSid"]] = who
    return redirect(request.form[f"{who.capitalize()}Leg"], f"{APP_URL}/music")


@app.post("/unhold")
def unhold():
    who = held.pop(request.form["CallSid"], None)
    if who is None:
        return "nobody is on hold", 409
    other = request.form["Customer"] if who == "agent" else AGENT
    return redirect(request.form[f"{who.capitalize()}Leg"], f"{APP_URL}/redial?to={quote(other)}")


@app.post("/call")
def call():
    c = client.calls.create(to=AGENT, from_=SUPPORT, url=f"{APP_URL}/outbound?customer={quote(request.form['To'])}")
    return jsonify(callSid=c.sid)


@app.get("/healthz")
def healthz():
    return jsonify(ok=True)


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=PORT, threaded=True)
