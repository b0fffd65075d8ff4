package sim

import (
	"sync"

	"github.com/holdlab/holdlab/fakeapi/twiml"
)

// Parsed TwiML documents are kept, process-wide, by their bytes: apps
// answer the same few documents over and over (the hold music, the agent's
// <Dial>), and parsing is a good part of the cost of running one. A
// *twiml.Document is never modified once parsed (the interpreter keeps its
// position in its own program), so engines share them safely; the cache
// changes no result, only how often the same bytes are parsed.
var docCache = struct {
	sync.Mutex
	docs map[string]*twiml.Document
}{docs: map[string]*twiml.Document{}}

// Bounds of docCache: documents larger than maxCachedDoc are parsed each
// time, and the cache starts afresh when it holds maxCachedDocs.
const (
	maxCachedDoc  = 4 << 10
	maxCachedDocs = 1024
)

// parseTwiML is twiml.Parse through docCache. Documents that fail to parse
// are not kept.
func parseTwiML(body []byte) (*twiml.Document, error) {
	if len(body) > maxCachedDoc {
		return twiml.Parse(body)
	}
	docCache.Lock()
	d, ok := docCache.docs[string(body)]
	docCache.Unlock()
	if ok {
		return d, nil
	}
	d, err := twiml.Parse(body)
	if err != nil {
		return nil, err
	}
	docCache.Lock()
	if len(docCache.docs) >= maxCachedDocs {
		clear(docCache.docs)
	}
	docCache.docs[string(body)] = d
	docCache.Unlock()
	return d, nil
}
