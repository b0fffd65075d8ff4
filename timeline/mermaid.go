package timeline

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/holdlab/holdlab/fakeapi/sim"
)

// Mermaid writes the timeline as a Mermaid sequence diagram: the app and
// Twilio, one participant per lane, REST requests and webhooks as
// messages, the steps as notes over both, and what each party hears as
// notes over its lane.
func Mermaid(w io.Writer, t Timeline) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("sequenceDiagram\n")
	fmt.Fprintf(bw, "    %%%% %s\n", mermaidText(t.Title))
	if t.Outcome.Status != "" {
		fmt.Fprintf(bw, "    %%%% %s\n", mermaidText(strings.TrimSuffix(t.Outcome.Status+": "+t.Outcome.why(), ": ")))
	}
	bw.WriteString("    participant App as app\n    participant Twilio\n")
	for i, l := range t.Lanes {
		fmt.Fprintf(bw, "    participant L%d as %s\n", i, mermaidText(l.Label))
	}
	for _, it := range t.items() {
		at := strings.TrimPrefix(sim.Offset(it.at), "00:")
		switch {
		case it.step > 0:
			s := t.Steps[it.step-1]
			fmt.Fprintf(bw, "    Note over App,Twilio: %s step %d %s (%s)\n", at, it.step, mermaidText(strings.TrimSpace(s.Keyword+s.Text)), mermaidText(s.Status))
		case it.seg != nil:
			if it.seg.Hears == HearsRoom {
				continue // its first event says it began
			}
			fmt.Fprintf(bw, "    Note over L%d: %s %s\n", it.lane, at, mermaidText(it.seg.Label))
		case it.mark.Kind == MarkREST:
			fmt.Fprintf(bw, "    App->>Twilio: %s %s\n", at, mermaidText(it.mark.Label))
		case it.mark.Kind == MarkWebhook:
			fmt.Fprintf(bw, "    Twilio->>App: %s %s\n", at, mermaidText(it.mark.Label))
		case it.lane >= 0:
			fmt.Fprintf(bw, "    Note over L%d: %s %s\n", it.lane, at, mermaidText(it.mark.Label))
		default:
			fmt.Fprintf(bw, "    Note over Twilio: %s %s\n", at, mermaidText(it.mark.Label))
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	return nil
}

// mermaidText keeps a label within what Mermaid's sequence syntax accepts
// on one line.
var mermaidText = strings.NewReplacer(
	"\n", " ", ";", ",", "#", "", "->", "→", "<", "‹", ">", "›", "%", " pct",
).Replace
