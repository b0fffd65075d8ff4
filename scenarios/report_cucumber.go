package scenarios

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// The cucumber JSON document: a list of features, each with its scenarios
// ("elements") and their steps. holdlab writes one feature per strategy
// and feature file, and adds a "holdlab" object to each scenario with
// what cucumber JSON has no field for (the strategy, the outcome, the
// pitfall), so that reports merge without loss.
type cukeFeature struct {
	URI      string        `json:"uri"`
	ID       string        `json:"id"`
	Keyword  string        `json:"keyword"`
	Name     string        `json:"name"`
	Elements []cukeElement `json:"elements"`
}

type cukeElement struct {
	ID      string      `json:"id"`
	Keyword string      `json:"keyword"`
	Name    string      `json:"name"`
	Line    int         `json:"line"`
	Type    string      `json:"type"`
	Tags    []cukeTag   `json:"tags,omitempty"`
	Steps   []cukeStep  `json:"steps"`
	After   []cukeHook  `json:"after,omitempty"`
	Holdlab cukeHoldlab `json:"holdlab"`
}

type cukeTag struct {
	Name string `json:"name"`
}

type cukeStep struct {
	Keyword string     `json:"keyword"`
	Name    string     `json:"name"`
	Line    int        `json:"line,omitempty"`
	Result  cukeResult `json:"result"`
}

type cukeHook struct {
	Match  cukeMatch  `json:"match"`
	Result cukeResult `json:"result"`
}

type cukeMatch struct {
	Location string `json:"location"`
}

type cukeResult struct {
	Status       string `json:"status"`
	Duration     int64  `json:"duration,omitempty"` // nanoseconds
	ErrorMessage string `json:"error_message,omitempty"`
}

// cukeHoldlab is holdlab's part of a scenario.
type cukeHoldlab struct {
	Strategy    string   `json:"strategy"`
	Feature     string   `json:"feature"`
	FeatureName string   `json:"feature_name"`
	Outcome     Status   `json:"outcome"`
	Pitfall     string   `json:"pitfall,omitempty"`
	Reason      string   `json:"reason,omitempty"` // Result.Err
	NotObserved []string `json:"not_observed,omitempty"`
	Duration    int64    `json:"duration"` // nanoseconds
	StepStatus  []string `json:"step_status"`
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

func slug(s string) string {
	return strings.Trim(slugRe.ReplaceAllString(strings.ToLower(s), "-"), "-")
}

// WriteCucumber writes the report as one cucumber JSON document: a feature
// per strategy (and the platform) and feature file, named "TITLE
// (STRATEGY)". An expected failure's step is "skipped" with the expected
// failure as its error message, as are the steps that could not be
// observed; an unexpected pass, or a failure outside any step, fails an
// "after" hook with the reason.
func (r Report) WriteCucumber(w io.Writer) error {
	var doc []cukeFeature
	index := map[[2]string]int{}
	for _, res := range r.sorted() {
		k := [2]string{res.Run, res.Feature}
		i, ok := index[k]
		if !ok {
			i = len(doc)
			index[k] = i
			name := orElse(res.FeatureName, res.Feature)
			doc = append(doc, cukeFeature{
				URI: r.path(res), ID: slug(res.Run) + ";" + slug(name), Keyword: "Feature",
				Name: name + " (" + res.Run + ")", Elements: []cukeElement{},
			})
		}
		f := &doc[i]
		e := cukeElement{
			ID: f.ID + ";" + slug(res.Scenario), Keyword: orElse(res.Keyword, "Scenario"), Name: res.Scenario,
			Line: res.Line, Type: "scenario", Steps: []cukeStep{},
			Holdlab: cukeHoldlab{
				Strategy: res.Run, Feature: res.Feature, FeatureName: res.FeatureName, Outcome: res.Status,
				Pitfall: res.Pitfall, NotObserved: res.NotObserved, Duration: int64(res.Duration),
			},
		}
		if res.Err != nil {
			e.Holdlab.Reason = res.Err.Error()
		}
		for _, t := range res.Tags {
			e.Tags = append(e.Tags, cukeTag{t})
		}
		failedStep := false
		for _, s := range res.Steps {
			st := cukeStep{Keyword: s.Keyword, Name: s.Text, Line: s.Line, Result: cukeResult{Status: string(s.Status), Duration: int64(s.Duration), ErrorMessage: s.Error}}
			switch s.Status {
			case StepExpectedFailure:
				st.Result.Status, st.Result.ErrorMessage = string(StepSkipped), r.Reason(res)
			case StepNotObservable:
				st.Result.Status, st.Result.ErrorMessage = string(StepSkipped), "not observable: "+s.Error
			case StepFailed, StepUndefined, StepPending, StepAmbiguous:
				failedStep = true
			}
			e.Steps = append(e.Steps, st)
			e.Holdlab.StepStatus = append(e.Holdlab.StepStatus, string(s.Status))
		}
		if res.Status == UnexpectedPass || (res.Status == Failed && !failedStep) {
			e.After = []cukeHook{{Match: cukeMatch{Location: "holdlab"}, Result: cukeResult{Status: "failed", ErrorMessage: r.Reason(res)}}}
		}
		f.Elements = append(f.Elements, e)
	}
	if doc == nil {
		doc = []cukeFeature{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write cucumber JSON: %w", err)
	}
	return nil
}

// ReadCucumber reads a report written by WriteCucumber.
func ReadCucumber(in io.Reader) (Report, error) {
	var doc []cukeFeature
	if err := json.NewDecoder(in).Decode(&doc); err != nil {
		return Report{}, fmt.Errorf("read cucumber JSON: %w", err)
	}
	var rep Report
	for _, f := range doc {
		for _, e := range f.Elements {
			h := e.Holdlab
			if h.Strategy == "" || h.Feature == "" {
				return Report{}, fmt.Errorf("read cucumber JSON: scenario %q of %s was not written by holdlab (no holdlab object)", e.Name, f.URI)
			}
			if root, ok := strings.CutSuffix(f.URI, "/"+h.Feature); ok {
				rep.Root = root
			}
			res := Result{
				Run: h.Strategy, Feature: h.Feature, FeatureName: h.FeatureName, Scenario: e.Name, Keyword: e.Keyword,
				Line: e.Line, Status: h.Outcome, Pitfall: h.Pitfall, NotObserved: h.NotObserved, Duration: time.Duration(h.Duration),
			}
			if h.Reason != "" {
				res.Err = errors.New(h.Reason)
			}
			for _, t := range e.Tags {
				res.Tags = append(res.Tags, t.Name)
			}
			for i, s := range e.Steps {
				sr := StepResult{Keyword: s.Keyword, Text: s.Name, Line: s.Line, Status: StepStatus(s.Result.Status), Error: s.Result.ErrorMessage, Duration: time.Duration(s.Result.Duration)}
				if i < len(h.StepStatus) {
					sr.Status = StepStatus(h.StepStatus[i])
				}
				switch sr.Status {
				case StepExpectedFailure:
					sr.Error = h.Reason
				case StepNotObservable:
					sr.Error = strings.TrimPrefix(sr.Error, "not observable: ")
				}
				res.Steps = append(res.Steps, sr)
			}
			rep.Results = append(rep.Results, res)
		}
	}
	return rep, nil
}
