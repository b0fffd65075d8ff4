package scenarios

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/cucumber/godog"
	"github.com/cucumber/godog/formatters"
	messages "github.com/cucumber/messages/go/v21"
)

// locatorFormat is a godog formatter that writes nothing: it sees the
// Gherkin documents godog parsed, and tells which scenario (file and line)
// each of godog's pickles is, so that a scenario's hooks find it in the
// selection. godog gives a formatter only the suite's name, so each suite
// runs under a unique name and the formatter finds its locator by it.
const locatorFormat = "holdlab-locator"

var (
	locators   sync.Map // suite name -> *locator
	locatorSeq atomic.Int64
)

func init() {
	godog.Format(locatorFormat, "holdlab's bookkeeping: which scenario each pickle is", func(suite string, _ io.Writer) formatters.Formatter {
		if l, ok := locators.Load(suite); ok {
			return l.(*locator)
		}
		return &locator{keys: map[string]scenarioKey{}}
	})
}

// scenarioKey names a scenario (or an outline's example row) by file and
// line.
type scenarioKey struct {
	feature string
	line    int
}

// locator maps godog's pickle ids to scenario keys.
type locator struct {
	mu   sync.Mutex
	uri  string
	loc  nodes
	keys map[string]scenarioKey
}

// newLocator registers a locator for one godog suite, under a unique suite
// name; done unregisters it.
func newLocator(run string) (l *locator, name string, done func()) {
	l = &locator{keys: map[string]scenarioKey{}}
	name = fmt.Sprintf("%s#%d", run, locatorSeq.Add(1))
	locators.Store(name, l)
	return l, name, func() { locators.Delete(name) }
}

// key is the scenario a pickle is ({"", 0} if unknown).
func (l *locator) key(pickleID string) scenarioKey {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.keys[pickleID]
}

// Feature is called before the first pickle of each feature.
func (l *locator) Feature(doc *messages.GherkinDocument, uri string, _ []byte) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.uri, _ = pathLine(uri)
	l.loc = locateNodes(doc)
}

// Pickle is called as a pickle starts, before its hooks.
func (l *locator) Pickle(p *messages.Pickle) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, line := l.loc.scenario(p); line > 0 {
		l.keys[p.Id] = scenarioKey{l.uri, line}
	}
}

// The rest of godog's formatter interface: nothing to do.

func (*locator) TestRunStarted() {}
func (*locator) Defined(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition) {
}
func (*locator) Failed(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition, error) {
}
func (*locator) Passed(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition)  {}
func (*locator) Skipped(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition) {}
func (*locator) Undefined(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition) {
}
func (*locator) Pending(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition) {}
func (*locator) Ambiguous(*messages.Pickle, *messages.PickleStep, *formatters.StepDefinition, error) {
}
func (*locator) Summary() {}
