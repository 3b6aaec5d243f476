package store

import (
	"database/sql/driver"
	"fmt"
)

// A text section is kept as one zstd frame (narratives.packed, migration
// 121), its body column left ''. Packed one section a frame, not a
// report's sections together: the assessment reads them by section, and
// on national texts a section packs 1.75× (a report's together 2.1×,
// measured on 8 785 sections of 20 counties).

// PackNarrative packs a text section's body for keeping; safe from many
// goroutines (ingest's readers pack as they read, so the writer only
// appends).
func PackNarrative(body string) []byte {
	return packer().EncodeAll([]byte(body), make([]byte, 0, len(body)/2+32))
}

// packedBody is the frame a section is kept as: the one its reader packed
// (NarrativeSection.Packed) or packed here.
func packedBody(sec NarrativeSection) []byte {
	if sec.Packed != nil {
		return sec.Packed
	}
	return PackNarrative(sec.Body)
}

// narrativeRow is a section's row of narratives, in the table's column
// order, for the Appender.
func narrativeRow(agency, county string, year, position int, sec NarrativeSection) []driver.Value {
	return []driver.Value{agency, county, int32(year), int32(position), int32(sec.Number), "", packedBody(sec)}
}

// sectionBody is a kept section's text: the frame unpacked, or body as it
// is for a row kept before migration 121 (packed NULL).
func sectionBody(body string, packed []byte) (string, error) {
	if packed == nil {
		return body, nil
	}
	b, err := unpacker().DecodeAll(packed, nil)
	if err != nil {
		return "", fmt.Errorf("正文段落已损坏，无法解压（%w）", err)
	}
	return string(b), nil
}
