package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/url"
	"sort"
	"strings"
)

// Signature returns Twilio's X-Twilio-Signature for a request to fullURL
// (scheme, host, optional port, path and query exactly as requested) with
// the given POST form params: base64(HMAC-SHA1(authToken, fullURL + k1 + v1
// + k2 + v2 …)) with the parameter names in sorted (byte) order. For GET
// requests the parameters are part of fullURL: pass nil params.
//
// A parameter that occurs several times contributes only its first value
// (params[k][0], the first occurrence in the encoded body). twilio-go's
// validator signs exactly that (ValidateBody keeps the first value of each
// key, and Validate takes a map[string]string), while twilio-python signs
// every distinct value in sorted order; what Twilio itself does for repeated
// keys is UNCONFIRMED (twilio/twilio-python#613). holdlab targets twilio-go,
// and Twilio's standard voice webhooks never repeat a key, so the
// difference only matters for custom parameters. Keys with no value are
// not sent by url.Values.Encode and are not signed.
func Signature(authToken, fullURL string, params url.Values) string {
	var b strings.Builder
	b.WriteString(fullURL)
	names := make([]string, 0, len(params))
	for k, vs := range params {
		if len(vs) > 0 {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		b.WriteString(k)
		b.WriteString(params[k][0])
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}
