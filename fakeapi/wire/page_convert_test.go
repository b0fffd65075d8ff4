package wire

import (
	"encoding/json"
	"net/url"
	"strconv"
	"testing"
)

// Converting a page of values gives the same JSON as paging the converted
// values.
func TestConvertPage(t *testing.T) {
	all := make([]int, 120)
	for i := range all {
		all[i] = i
	}
	render := func(i int) string { return "item-" + strconv.Itoa(i) }
	rendered := make([]string, len(all))
	for i, v := range all {
		rendered[i] = render(v)
	}
	for _, tok := range []string{"", "PA50", "PA100", "PA200"} {
		q := url.Values{"To": {"+15550001000"}}
		if tok != "" {
			q.Set("PageToken", tok)
		}
		req, err := ParsePageRequest(q)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(ConvertPage(NewPage(KeyCalls, all, req, "/Calls.json", q), render))
		want, _ := json.Marshal(NewPage(KeyCalls, rendered, req, "/Calls.json", q))
		if string(got) != string(want) {
			t.Errorf("token %q:\n got %s\nwant %s", tok, got, want)
		}
	}
}
