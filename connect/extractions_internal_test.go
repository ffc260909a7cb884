package connect

import (
	"strings"
	"testing"
)

// checkExtraction decodes extraction.*.json strictly and checks what the
// job's state says about it.
func checkExtraction(t *testing.T, name string, data []byte) {
	var e Extraction
	mustDecodeStrict(t, data, &e)
	if e.JobName == "" || e.SourceID == 0 || e.StitchClientID != 116078 || e.Tap() != "tap-recurly" || e.StartTime == nil || e.CompletionTime == nil {
		t.Fatalf("got %+v, want every documented field", e)
	}
	st := e.State()
	switch {
	case strings.Contains(name, "succeeded"):
		if st != (ExtractionState{Status: ExtractionSucceeded}) {
			t.Errorf("got %+v, want succeeded", st)
		}
	case strings.Contains(name, "failed"):
		if st.Status != ExtractionFailed || st.Phase != PhaseTap || !strings.HasPrefix(st.Description, "Response returned http error code 401") {
			t.Errorf("got %+v, want failed in the tap phase with its description", st)
		}
	default:
		t.Fatalf("unexpected example %s", name)
	}
}

// checkExtractionList decodes an extractions.list.*.json page strictly.
func checkExtractionList(t *testing.T, name string, data []byte) {
	var p ExtractionsPage
	mustDecodeStrict(t, data, &p)
	if p.Page != 1 || len(p.Data) == 0 {
		t.Fatalf("got page %d with %d records", p.Page, len(p.Data))
	}
	for i := 1; i < len(p.Data); i++ {
		if p.Data[i-1].SourceID >= p.Data[i].SourceID {
			t.Errorf("records not ordered by source_id: %d before %d", p.Data[i-1].SourceID, p.Data[i].SourceID)
		}
	}
	next, err := p.NextPage()
	if err != nil {
		t.Fatalf("next page: %v", err)
	}
	states := map[string]int{}
	for _, e := range p.Data {
		states[e.State().Status]++
	}
	switch {
	case strings.Contains(name, "page-with-next"):
		if p.Total != 102 || next != 2 {
			t.Errorf("got total %d next %d, want 102 and page 2", p.Total, next)
		}
		if states[ExtractionFailed] != 4 || states[ExtractionSucceeded] != 1 {
			t.Errorf("got states %v, want 4 failed (2 terminated) and 1 succeeded", states)
		}
	case strings.Contains(name, "page-single"):
		if p.Total != 2 || next != 0 || p.Links != (PageLinks{}) {
			t.Errorf("got total %d next %d links %+v, want 2 records and no links", p.Total, next, p.Links)
		}
		if st := p.Data[0].State(); st != (ExtractionState{Status: ExtractionFailed, Description: "Terminated"}) {
			t.Errorf("terminated job: got %+v", st)
		}
	default:
		t.Fatalf("unexpected example %s", name)
	}
}
