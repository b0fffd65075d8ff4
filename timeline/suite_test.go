package timeline_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdlab/holdlab/scenarios"
	"github.com/holdlab/holdlab/timeline"
)

// suitePictures runs scenarios of the embedded suite on the fake and
// returns the folder their timelines were drawn into.
func suitePictures(t *testing.T, strategy, feature string) string {
	t.Helper()
	dir := t.TempDir()
	rep, err := scenarios.Run(context.Background(), scenarios.Config{Only: []string{strategy}, Paths: []string{feature}, TimelineDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Results) != 1 || rep.Results[0].Status != scenarios.Passed {
		t.Fatalf("%s %s: %+v", strategy, feature, rep.Results)
	}
	return dir
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The callleg strategy's hour on hold, as the suite draws it: the customer
// waits in a queue of its own, hearing the app's hold music. The trace
// names that queue in many sentences, "(the caller came from queue
// hold-CA..0001)" among them; it has one lane, and the music is hold music
// in colour and in words.
func TestCalllegHourOnHold(t *testing.T) {
	dir := suitePictures(t, "callleg", "hold.feature:66")
	base := filepath.Join(dir, "callleg", "hold--an-hour-on-hold")
	svg, page := read(t, base+".svg"), read(t, base+".html")

	if n := strings.Count(svg, `<g class="lane lane-queue"`); n != 1 {
		t.Errorf("%d queue lanes, want 1", n)
	}
	lanes := strings.Count(svg, `<g class="lane lane-`)
	if lanes != 4 {
		t.Errorf("%d rows, want the app, the customer, the agent and the queue", lanes)
	}
	for _, want := range []string{
		`<title>queue hold-CA..0001</title>`,
		`class="seg hears-hold-music"`,
		"hold music music.mp3 (as the wait music of queue hold-CA..0001)",
		`class="mark mark-rest"`, `class="mark mark-webhook"`,
		`class="step step-passed"`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("the SVG lacks %q", want)
		}
	}
	if strings.Contains(svg, "hold-CA..0001)</title>") || strings.Contains(svg, "hears wait music music.mp3") {
		t.Error("a phantom lane, or the app's music called wait music")
	}
	if !strings.Contains(page, "When 1 hour passes") {
		t.Error("the page does not list the steps")
	}
	timeline.Golden(t, "callleg_hour_on_hold.svg", []byte(svg))
	timeline.Golden(t, "callleg_hour_on_hold.html", []byte(page))
}

// The README's picture: the conference strategy's unhold.
func TestReadmePicture(t *testing.T) {
	dir := suitePictures(t, "conference", "hold.feature:22")
	timeline.Golden(t, "example.svg", []byte(read(t, filepath.Join(dir, "conference", "hold--unhold-they-talk-again.svg"))))
}
