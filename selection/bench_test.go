package selection

import (
	"fmt"
	"testing"

	"github.com/onramp/onramp/connect"
)

// benchStreams are n database tables as ListStreams returns them.
func benchStreams(n int) []connect.Stream {
	out := make([]connect.Stream, n)
	rows := int64(1000)
	for i := range out {
		no := false
		out[i] = connect.Stream{StreamID: connect.Int(i + 1), TapStreamID: fmt.Sprintf("db-public-table_%05d", n-i), StreamName: fmt.Sprintf("table_%05d", n-i),
			Metadata: connect.StreamMetadata{DatabaseName: "db", SchemaName: "public", IsView: &no, RowCount: &rows, TableKeyProperties: []string{"id"}}}
	}
	return out
}

// BenchmarkNewList is Onramp's own work for one page of the list: filter,
// sort, page, rows and summary, with a draft of 100 ticks.
func BenchmarkNewList(b *testing.B) {
	for _, n := range []int{2000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			streams := benchStreams(n)
			d := &Draft{}
			for i := 0; i < 100; i++ {
				d.Set(streams[i*7].TapStreamID, Choice{Selected: true})
			}
			b.ReportAllocs()
			for b.Loop() {
				l := NewList(ListInput{Streams: streams, Draft: d, Query: Query{Q: "table_0", Page: 3}})
				if len(l.Rows) != PerPage {
					b.Fatalf("got %d rows", len(l.Rows))
				}
			}
		})
	}
}

// BenchmarkBuildSelectAll is the plan of Select all over n tables with
// their schemas at hand.
func BenchmarkBuildSelectAll(b *testing.B) {
	for _, n := range []int{2000, 5000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			streams := benchStreams(n)
			yes := true
			sc := &Schema{Fields: []Field{{Name: "amount", Inclusion: Available, SelectedByDefault: &yes}, {Name: "id", Inclusion: Automatic}, {Name: "name", Inclusion: Available}, {Name: "updated_at", Inclusion: Available, Keyable: true}}}
			sc.byName = map[string]int{"amount": 0, "id": 1, "name": 2, "updated_at": 3}
			schemas := map[string]*Schema{}
			for _, s := range streams {
				schemas[s.TapStreamID] = sc
			}
			b.ReportAllocs()
			for b.Loop() {
				d := &Draft{}
				SelectAllMatching(streams, d, Query{})
				p := Build(streams, d, schemas)
				if len(p.Updates) != n || len(Chunks(p.Updates, 500, 5000)) == 0 {
					b.Fatalf("got %d updates", len(p.Updates))
				}
			}
		})
	}
}
