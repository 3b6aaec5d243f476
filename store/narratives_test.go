package store

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// TestNarrativesPackedRoundTrip: text sections are kept packed (body ”
// and a frame in packed) whichever way they are written — the batch's
// Appender with a frame its reader packed or without, a single save's
// step, SaveNarrative's INSERT — and every reader of them (CountyDocs,
// CountiesDocs county by county and by the spans' join) gives back the
// bodies exactly; a row kept plain before migration 121 reads as it was,
// and a damaged frame is an error, never a wrong text.
func TestNarrativesPackedRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	long := strings.Repeat("本机关全年主动公开政府信息，依申请公开办理及时。", 400)
	want := map[string][]NarrativeSection{
		"青石镇": {{Number: 0, Body: "前言"}, {Number: 1, Body: long}, {Number: 2, Body: ""}},
		"白沙镇": {{Number: 1, Body: "总体情况", Packed: PackNarrative("总体情况")}, {Number: 3, Body: "依申请公开"}},
		"红岩镇": {{Number: 1, Body: "由 SaveNarrative 写入"}},
		"旧时镇": {{Number: 4, Body: "迁移前保存的原文"}},
	}
	if _, _, err := s.SaveBatch(ctx, []BatchItem{
		{Report: sample("青石镇", 3), KeepText: true, Narrative: want["青石镇"]},
		{Report: sample("白沙镇", 4), KeepText: true, Narrative: want["白沙镇"]},
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"红岩镇", "旧时镇"} {
		if _, err := s.Save(ctx, sample(a, 5)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveNarrative(ctx, "红岩镇", "示范县", 2022, want["红岩镇"]); err != nil {
		t.Fatal(err)
	}
	// A row as every row was kept before migration 121.
	if _, err := s.DB().Exec(`INSERT INTO narratives (agency, county, year, position, section, body) VALUES ('旧时镇', '示范县', 2022, 0, 4, '迁移前保存的原文')`); err != nil {
		t.Fatal(err)
	}
	var plain, packed int
	if err := s.DB().QueryRow(`SELECT count(*) FILTER (WHERE packed IS NULL), count(*) FILTER (WHERE packed IS NOT NULL AND body = '') FROM narratives`).Scan(&plain, &packed); err != nil {
		t.Fatal(err)
	}
	if plain != 1 || packed != 6 {
		t.Fatalf("%d rows plain, %d packed; want 1 and 6", plain, packed)
	}

	check := func(how string, docs []*AssessDoc) {
		t.Helper()
		got := map[string][]NarrativeSection{}
		for _, d := range docs {
			got[d.Agency] = d.Sections
		}
		for a, w := range want {
			g := got[a]
			if len(g) != len(w) {
				t.Errorf("%s: %s has %d sections, want %d", how, a, len(g), len(w))
				continue
			}
			for i := range w {
				if g[i].Number != w[i].Number || g[i].Body != w[i].Body || g[i].Packed != nil {
					t.Errorf("%s: %s section %d = %d %.20q, want %d %.20q", how, a, i, g[i].Number, g[i].Body, w[i].Number, w[i].Body)
				}
			}
		}
	}
	docs, err := s.CountyDocs(ctx, "示范县", 2022, 2022)
	if err != nil {
		t.Fatal(err)
	}
	check("CountyDocs", docs)
	spans := []CountySpan{{County: "示范县", From: 2022, To: 2022}}
	for _, few := range []bool{true, false} {
		m, err := countiesDocs(ctx, s.db, spans, few, nil)
		if err != nil {
			t.Fatal(err)
		}
		check("countiesDocs", m["示范县"])
	}

	if _, err := s.DB().Exec(`UPDATE narratives SET packed = '\x00\x01'::BLOB WHERE agency = '白沙镇' AND position = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CountyDocs(ctx, "示范县", 2022, 2022); err == nil || !strings.Contains(err.Error(), "正文段落已损坏") || !strings.Contains(err.Error(), "白沙镇") {
		t.Errorf("a damaged frame read as %v", err)
	}
	for _, few := range []bool{true, false} {
		if _, err := countiesDocs(ctx, s.db, spans, few, nil); err == nil || !strings.Contains(err.Error(), "正文段落已损坏") {
			t.Errorf("countiesDocs (few %v) read a damaged frame as %v", few, err)
		}
	}
	if !slices.Equal(PackNarrative(long), PackNarrative(long)) {
		t.Error("PackNarrative is not deterministic: batched and one-by-one ingests would differ")
	}
}
