package report

// ReviewState is a person's decision on a finding. The values are stored
// in the database and sent in JSON; they must never change.
type ReviewState string

// Review states of a finding ("" is not yet reviewed).
const (
	ReviewNone      ReviewState = ""
	ReviewConfirmed ReviewState = "confirmed"
	ReviewDismissed ReviewState = "dismissed"
)

// ReviewStates are the decisions a reviewer may record, in the order forms
// offer them.
var ReviewStates = []ReviewState{ReviewConfirmed, ReviewDismissed}

// Valid tells whether s is a decision a reviewer may record.
func (s ReviewState) Valid() bool { return s == ReviewConfirmed || s == ReviewDismissed }

// Label is the state as a finding's list shows it (已确认, 已驳回).
func (s ReviewState) Label() string {
	return map[ReviewState]string{ReviewConfirmed: "已确认", ReviewDismissed: "已驳回"}[s]
}

// Verb is the state as a button or a log sentence says it (确认, 驳回).
func (s ReviewState) Verb() string {
	return map[ReviewState]string{ReviewConfirmed: "确认", ReviewDismissed: "驳回"}[s]
}

// The two verdicts a report can get before publishing.
const (
	VerdictPublishable = "可以发布"
	VerdictFix         = "请修改"
)

// Verdict is what the checks say of a report as a whole: the one answer
// 预检 (/web/check), analytics validate, an upload and the stored report's
// page all give, so a clerk never reads 可以发布 in one place and 请修改 in
// another for the same text.
type Verdict struct {
	Publishable bool   `json:"publishable"`
	Label       string `json:"label"`
	// Errors and Warnings count the findings still open (a dismissed
	// finding is a reviewer's decision that it does not stand).
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
}

// VerdictOf judges findings: publishable unless an error-severity finding
// is left open; warnings and notes are for the clerk to read, not to block
// publishing.
func VerdictOf(findings []Finding) Verdict {
	var v Verdict
	for _, f := range findings {
		if f.Review == ReviewDismissed {
			continue
		}
		switch f.Severity {
		case SeverityError:
			v.Errors++
		case SeverityWarning:
			v.Warnings++
		}
	}
	v.Publishable = v.Errors == 0
	v.Label = VerdictFix
	if v.Publishable {
		v.Label = VerdictPublishable
	}
	return v
}
