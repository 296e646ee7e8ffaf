package review

import "testing"

func TestStageVocabulary(t *testing.T) {
	for _, c := range []struct {
		s           Stage
		rank        int
		word, label string
	}{
		{Preliminary, 1, "sơ bộ", "Sơ bộ"},
		{Official, 2, "chính thức", "Chính thức"},
		{Reverified, 3, "sau phúc tra", "Sau phúc tra"},
		{Approved, 4, "phê duyệt", "Phê duyệt"},
		{"draft", 0, "draft", "Draft"},
	} {
		if c.s.Rank() != c.rank || c.s.Vietnamese() != c.word || c.s.Label() != c.label {
			t.Errorf("%s: rank %d, %q, %q; want %d, %q, %q", c.s, c.s.Rank(), c.s.Vietnamese(), c.s.Label(), c.rank, c.word, c.label)
		}
		if c.rank > 0 {
			if p, err := ParseStage(c.word); err != nil || p != c.s {
				t.Errorf("ParseStage(%q) = %q, %v", c.word, p, err)
			}
		}
	}
	want := "CASE x WHEN 'preliminary' THEN 1 WHEN 'official' THEN 2 WHEN 'reverified' THEN 3 WHEN 'approved' THEN 4 ELSE 0 END"
	if got := RankSQL("x"); got != want {
		t.Errorf("RankSQL = %s", got)
	}
}
