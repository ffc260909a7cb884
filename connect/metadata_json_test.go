package connect

import (
	"encoding/json"
	"reflect"
	"testing"
)

// Every field of StreamMetadata survives a round trip through its hand-written
// decoder, and unknown keys land in Extra: a field added to the struct but not
// to the decoder's switch fails here (the populated value must set it).
func TestStreamMetadataDecoderKnowsEveryField(t *testing.T) {
	yes, no := true, false
	rows := int64(42)
	full := StreamMetadata{
		Selected: &yes, ReplicationMethod: "INCREMENTAL", ReplicationKey: "updated_at",
		ViewKeyProperties: []string{"id"}, ForcedReplicationMethod: "FULL_TABLE",
		TableKeyProperties: []string{"id"}, ValidReplicationKeys: []string{"updated_at"},
		IsView: &no, DatabaseName: "shop", SchemaName: "public", RowCount: &rows, Inclusion: "available",
	}
	v := reflect.ValueOf(full)
	for i := range v.NumField() {
		if f := v.Type().Field(i); f.Name != "Extra" && v.Field(i).IsZero() {
			t.Fatalf("test value leaves %s unset: set it so the decoder is checked for it", f.Name)
		}
	}
	b, err := json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	var got StreamMetadata
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, full) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, full)
	}

	if err := json.Unmarshal([]byte(`{"selected":null,"custom-key":{"a":1},"inclusion":"automatic"}`), &got); err != nil {
		t.Fatal(err)
	}
	if got.Selected != nil || got.Inclusion != "automatic" || string(got.Extra["custom-key"]) != `{"a":1}` || len(got.Extra) != 1 {
		t.Errorf("unknown keys: got %+v", got)
	}
	if err := json.Unmarshal([]byte(`{"row-count":"many"}`), &got); err == nil {
		t.Error("a row count that is not a number decoded without error")
	}
}
