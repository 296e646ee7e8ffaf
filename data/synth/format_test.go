package synth

import (
	"context"
	"errors"
	"testing"
)

func TestFormatting(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"rate csv", fmtRateCSV(round2(57180.0 / 446297 * 100)), "12.81"},
		{"slug apostrophe", slug("Huyện M'Đrăng"), "huyen-mdrang"},
		{"slug curly", slug("Xã Ea H’đing"), "xa-ea-hding"},
		{"slug city", slug("Thành phố Mẫu Sơn"), "thanh-pho-mau-son"},
		{"upper", upperVN("Huyện Krông Sa"), "HUYỆN KRÔNG SA"},
		{"upper đ", upperVN("xã Đắk Sol"), "XÃ ĐẮK SOL"},
		{"roman", roman(2) + " " + roman(4) + " " + roman(9), "II IV IX"},
		{"date", day{8, 10, 2019}.String(), "08/10/2019"},
		{"date line", day{8, 10, 2019}.Long(), "ngày 08 tháng 10 năm 2019"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, tc.got, tc.want)
		}
	}
}

// TestStepIdentities drives the flow generator over hand-picked corners:
// growth (the excess must enter as new households), a steep fall (escapes
// capped by the stock), zero stocks and the planted no-new case.
func TestStepIdentities(t *testing.T) {
	tests := []struct {
		name      string
		in        stepIn
		reachable bool // the target can be met with the drawn inflows
	}{
		{"normal fall", stepIn{H: 1000, P0: 300, N0: 150, poorTarget: 27, nearTarget: 14, poorEnd: -1}, true},
		{"baseline jump", stepIn{H: 1000, P0: 100, N0: 80, poorTarget: 25, nearTarget: 10, poorEnd: -1}, true},
		// every start household leaves, but the inflows still arrive
		{"fall to zero", stepIn{H: 1000, P0: 50, N0: 40, poorTarget: 0, nearTarget: 0, poorEnd: -1}, false},
		{"empty", stepIn{H: 10, P0: 0, N0: 0, poorTarget: 0, nearTarget: 0, poorEnd: -1}, true},
		{"no new", stepIn{H: 1000, P0: 400, N0: 100, poorTarget: 36, nearTarget: 10, poorEnd: -1, noNew: true}, true},
		{"exact end", stepIn{H: 57, P0: 17, N0: 9, poorTarget: 30, nearTarget: 15, poorEnd: 5}, true},
	}
	r := newRand(1, "test")
	for _, tc := range tests {
		var rec record
		step(r, tc.in, &rec)
		b := rec.PoorStart - rec.PoorOutToNear - rec.PoorOutAbove - rec.PoorOutOther + rec.PoorInFromNear + rec.PoorInRepoor + rec.PoorInNew + rec.PoorInOther
		c := rec.NearStart - rec.NearOutEscaped - rec.NearOutToPoor - rec.NearOutOther + rec.NearInFromPoor + rec.NearInRe + rec.NearInNew + rec.NearInOther
		switch {
		case b != rec.PoorEnd || c != rec.NearPoorEnd:
			t.Errorf("%s: identities %d/%d vs ends %d/%d", tc.name, b, c, rec.PoorEnd, rec.NearPoorEnd)
		case rec.PoorOutToNear != rec.NearInFromPoor || rec.NearOutToPoor != rec.PoorInFromNear:
			t.Errorf("%s: cross-form identities fail", tc.name)
		case rec.PoorOutToNear+rec.PoorOutAbove+rec.PoorOutOther > rec.PoorStart:
			t.Errorf("%s: poor outflows exceed the start", tc.name)
		case tc.in.noNew && (rec.PoorInNew != 0 || rec.PoorInRepoor != 0):
			t.Errorf("%s: new %d, re-poor %d", tc.name, rec.PoorInNew, rec.PoorInRepoor)
		case tc.in.poorEnd >= 0 && rec.PoorEnd != tc.in.poorEnd:
			t.Errorf("%s: poor_end %d, want %d", tc.name, rec.PoorEnd, tc.in.poorEnd)
		case !tc.reachable && rec.PoorEnd != rec.PoorInFromNear+rec.PoorInRepoor+rec.PoorInNew+rec.PoorInOther:
			t.Errorf("%s: poor_end %d, want only the inflows", tc.name, rec.PoorEnd)
		case tc.reachable && tc.in.poorEnd < 0 && rec.PoorEnd != iround(tc.in.poorTarget/100*float64(tc.in.H)):
			t.Errorf("%s: poor_end %d, target %.0f", tc.name, rec.PoorEnd, tc.in.poorTarget/100*float64(tc.in.H))
		}
	}
}

func TestGenerateRejects(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no out", Config{Seed: 1}},
		{"negative scale", Config{Out: t.TempDir(), Scale: -1}},
		{"household year after the reorganisation", Config{Out: t.TempDir(), Scale: 0.01, HouseholdListYear: 2025}},
		{"household year under QĐ 59", Config{Out: t.TempDir(), Scale: 0.01, HouseholdListYear: 2019}},
	}
	for _, tc := range tests {
		if _, err := Generate(context.Background(), tc.cfg); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, Config{Out: t.TempDir(), Scale: 0.01}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

// BenchmarkGenerate measures a full-size province (Scale 1).
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(context.Background(), Config{Out: b.TempDir(), Seed: 1, Scale: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
