package fakeapi

import (
	"net/http"
	"time"

	"github.com/holdlab/holdlab/fakeapi/wire"
)

// faultJSON is a Fault on the control API's wire:
//
//	{"match":{"method":"POST","path":"/2010-04-01/Accounts/*/Calls/*"},
//	 "status":429,"code":20429,"latency":"2s","drop":false,"times":2}
type faultJSON struct {
	ID    string `json:"id,omitempty"`
	Match struct {
		Method string `json:"method,omitempty"`
		Path   string `json:"path,omitempty"`
	} `json:"match"`
	Status  int      `json:"status,omitempty"`
	Code    int      `json:"code,omitempty"`
	Message string   `json:"message,omitempty"`
	Latency duration `json:"latency,omitempty"`
	Drop    bool     `json:"drop,omitempty"`
	Times   int      `json:"times,omitempty"`
	Hits    int      `json:"hits"`
	Left    *int     `json:"left"` // null: unlimited
}

func toFaultJSON(fs FaultState) faultJSON {
	out := faultJSON{ID: fs.ID, Status: fs.Status, Code: fs.Code, Message: fs.Message,
		Latency: duration(fs.Latency), Drop: fs.Drop, Times: fs.Times, Hits: fs.Hits}
	out.Match.Method, out.Match.Path = fs.Method, fs.Path
	if fs.Left >= 0 {
		left := fs.Left
		out.Left = &left
	}
	return out
}

// ctlInjectFault is POST /holdlab/faults.
func (f *Fake) ctlInjectFault(w http.ResponseWriter, r *http.Request) error {
	var req faultJSON
	if err := readJSON(r, &req); err != nil {
		return err
	}
	ft := Fault{Method: req.Match.Method, Path: req.Match.Path, Status: req.Status, Code: req.Code,
		Message: req.Message, Latency: time.Duration(req.Latency), Drop: req.Drop, Times: req.Times}
	id, err := f.InjectFault(ft)
	if err != nil {
		return wire.BadRequest(err.Error())
	}
	for _, fs := range f.Faults() {
		if fs.ID == id {
			wire.JSON(w, http.StatusCreated, toFaultJSON(fs))
			return nil
		}
	}
	// A fault is only removed by a request it applied to, or by a test:
	// report it as injected, with nothing left.
	wire.JSON(w, http.StatusCreated, toFaultJSON(FaultState{Fault: ft, ID: id}))
	return nil
}

// ctlFaults is GET /holdlab/faults.
func (f *Fake) ctlFaults(w http.ResponseWriter, _ *http.Request) error {
	out := []faultJSON{}
	for _, fs := range f.Faults() {
		out = append(out, toFaultJSON(fs))
	}
	wire.JSON(w, http.StatusOK, map[string]any{"faults": out})
	return nil
}

// ctlClearFaults is DELETE /holdlab/faults.
func (f *Fake) ctlClearFaults(w http.ResponseWriter, _ *http.Request) error {
	f.ClearFaults()
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ctlRemoveFault is DELETE /holdlab/faults/{id}.
func (f *Fake) ctlRemoveFault(w http.ResponseWriter, r *http.Request) error {
	if !f.RemoveFault(r.PathValue("id")) {
		return wire.NotFound(r.URL.Path)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
