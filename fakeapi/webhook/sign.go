package webhook

import (
	"crypto/hmac"
	"crypto/sha1"
	"hash"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
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
	s := getScratch()
	defer putScratch(s)
	s.sig = append(s.sig[:0], fullURL...)
	s.names = s.names[:0]
	for k, vs := range params {
		if len(vs) > 0 {
			s.names = append(s.names, k)
		}
	}
	slices.Sort(s.names)
	for _, k := range s.names {
		s.sig = append(s.sig, k...)
		s.sig = append(s.sig, params[k][0]...)
	}
	return s.sign(authToken)
}

// macs keeps keyed HMAC-SHA1 states per auth token for reuse: building one
// hashes the key each time, a fifth of a webhook's signing. A fake has one
// token; the cache keeps at most maxCachedTokens of them, and signs with
// a fresh HMAC for any other.
var macs macCache

const maxCachedTokens = 64

type macCache struct {
	pools sync.Map // auth token -> *sync.Pool of hash.Hash
	n     atomic.Int32
}

// get returns a reset HMAC-SHA1 keyed with token.
func (c *macCache) get(token string) hash.Hash {
	if p, ok := c.pools.Load(token); ok {
		if h, ok := p.(*sync.Pool).Get().(hash.Hash); ok {
			h.Reset()
			return h
		}
	}
	return hmac.New(sha1.New, []byte(token))
}

// put returns h, keyed with token, for reuse.
func (c *macCache) put(token string, h hash.Hash) {
	p, ok := c.pools.Load(token)
	if !ok {
		if c.n.Add(1) > maxCachedTokens {
			c.n.Add(-1)
			return
		}
		var loaded bool
		if p, loaded = c.pools.LoadOrStore(token, new(sync.Pool)); loaded {
			c.n.Add(-1)
		}
	}
	p.(*sync.Pool).Put(h)
}
