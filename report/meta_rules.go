package report

// RuleNoAgency marks a report whose text never names the agency that
// publishes it (it calls itself 我局, 我镇 …): the agency is left empty for
// a person to fill rather than guessed.
const RuleNoAgency = "parse_no_agency"

func init() { RuleLabels[RuleNoAgency] = "未写明报告机关" }
