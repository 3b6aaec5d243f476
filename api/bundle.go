package api

import (
	"archive/zip"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"nianbao/assess"
	"nianbao/query"
	"nianbao/registry"
	"nianbao/store"
)

// bundle answers GET /api/v1/bundle?county=&year=: one zip holding all of
// a county's year (issue 22 item 6) — each report's official XLSX and DOCX,
// the county's tables, the filing list, the score sheet workbook and the
// Parquet of that county only, with a 说明.txt naming every file. It is
// made per call (a download is not kept by the answer cache), under the
// export calls' per-address limit.
func (h *handler) bundle(c *gin.Context) {
	county := strings.TrimSpace(c.Query("county"))
	year, err := strconv.Atoi(strings.TrimSpace(c.Query("year")))
	if county == "" || err != nil || year < 1990 || year > 2100 {
		field := "year"
		if county == "" {
			field = "county"
		}
		h.error(c, &query.InputError{Field: field, Message: "请给出县和年度，例如 ?county=乐至县&year=2023"})
		return
	}
	if !h.limitExports(c) {
		return
	}
	body, name, err := h.countyBundle(c.Request.Context(), county, year)
	if errors.Is(err, errEmptyBundle) {
		h.fail(c, http.StatusNotFound, "not_found", fmt.Sprintf("%s %d 年没有已入库的报告，登记册中也没有该县应报送的机关", county, year))
		return
	}
	if err != nil {
		h.registryError(c, err)
		return
	}
	h.file(c, name+".zip", body, nil)
}

// errEmptyBundle is a county and year with neither reports nor a filing list.
var errEmptyBundle = errors.New("nothing to bundle")

// bundleZip collects the members of a bundle and the lines of its 说明.txt.
type bundleZip struct {
	zw     *zip.Writer
	made   time.Time
	names  map[string]bool
	readme []string
}

func (b *bundleZip) add(name, about string, data []byte) error {
	if b.names[name] { // two reports of one agency name: keep both
		ext := filepath.Ext(name)
		for i := 2; b.names[name]; i++ {
			name = fmt.Sprintf("%s_%d%s", strings.TrimSuffix(name, ext), i, ext)
		}
	}
	b.names[name] = true
	w, err := b.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: b.made})
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return err
	}
	if about != "" {
		b.readme = append(b.readme, name+"\t"+about)
	}
	return nil
}

// fileSafe keeps a name taken from uploaded documents usable as one file
// name in every archive tool and on Windows: no path separators, no "..",
// none of the characters Windows refuses. The bundle and the letters zip
// both name their files with it.
func fileSafe(name string) string { return fileSafeChars.Replace(name) }

var fileSafeChars = strings.NewReplacer("/", "_", `\`, "_", ":", "_", "*", "_", "?", "_", `"`, "_", "<", "_", ">", "_", "|", "_", "..", "_")

// countyBundle builds the zip of a county's year and names it.
func (h *handler) countyBundle(ctx context.Context, county string, year int) ([]byte, string, error) {
	// The registry's county when it has one: the reports by its code, the
	// filing list and the score sheet. A county the registry does not know
	// still gets its reports, tables and Parquet.
	f := query.Filter{County: county, Year: year}
	ans, err := h.countyAssessment(ctx, county, year, nil)
	registered := err == nil
	switch {
	case registered:
		f = countyFilter(ans.Assessment, year)
		county = ans.County
	case errors.Is(err, store.ErrAmbiguousPlace): // 朝阳区: the caller must give the code
		return nil, "", err
	case errors.Is(err, errNoBodies), errors.Is(err, store.ErrBadPlace):
	default:
		return nil, "", err
	}
	var reports []query.ReportSummary
	for f.Offset = 0; ; f.Offset += query.MaxLimit {
		f.Limit = query.MaxLimit
		page, err := h.q.Reports(ctx, f)
		if err != nil {
			return nil, "", err
		}
		reports = append(reports, page.Reports...)
		if len(page.Reports) == 0 || f.Offset+len(page.Reports) >= page.Total {
			break
		}
	}
	f.Limit, f.Offset = 0, 0
	if len(reports) == 0 && !registered {
		return nil, "", errEmptyBundle
	}
	name := fmt.Sprintf("%s_%d_年报数据包", county, year)
	var buf bytes.Buffer
	b := &bundleZip{zw: zip.NewWriter(&buf), made: time.Now(), names: map[string]bool{}}
	synthetic := 0
	for _, r := range reports {
		d, err := h.q.Report(ctx, r.ID, query.ReportOptions{})
		if err != nil {
			return nil, "", err
		}
		base := "年报/" + fileSafe(fmt.Sprintf("%s_%d_%s", d.County, d.Year, d.Agency))
		if d.Synthetic {
			// The official tables carry no mark of their own: the file
			// name says the report is made up.
			synthetic++
			base = "年报/示例数据_" + strings.TrimPrefix(base, "年报/")
		}
		x, err := OfficialXLSX(d)
		if err != nil {
			return nil, "", err
		}
		if err := b.add(base+".xlsx", fmt.Sprintf("%s %d 年度报告的表二至表四（Excel；同名 .docx 为 Word 版），报告编号 %d", d.Agency, d.Year, d.ID), x); err != nil {
			return nil, "", err
		}
		w, err := OfficialDOCX(d)
		if err != nil {
			return nil, "", err
		}
		if err := b.add(base+".docx", "", w); err != nil {
			return nil, "", err
		}
	}
	tables, err := h.countyTables(ctx, f, reports)
	if err != nil {
		return nil, "", err
	}
	x, err := XLSX(tables)
	if err != nil {
		return nil, "", err
	}
	if err := b.add(fmt.Sprintf("%s_%d_汇总表.xlsx", county, year), "报告清单和各单位的申请、办理结果、复议诉讼、主动公开汇总", x); err != nil {
		return nil, "", err
	}
	if registered {
		fl, err := assess.FilingList(ctx, h.st, county, year, registry.Levels, nil)
		if err != nil {
			return nil, "", err
		}
		if x, err = XLSX(filingTable{fl}.Tables()); err != nil {
			return nil, "", err
		}
		if err := b.add(fmt.Sprintf("%s_%d_报送情况.xlsx", county, year), "登记册应报送机关的报送情况（按时、逾期、未报送）", x); err != nil {
			return nil, "", err
		}
		if x, err = ScoreSheetXLSX(ans, ""); err != nil {
			return nil, "", err
		}
		if err := b.add(fmt.Sprintf("%s%d年度政府信息公开年报评分表.xlsx", county, year), "评分表、扣分明细和汇总", x); err != nil {
			return nil, "", err
		}
	} else {
		b.readme = append(b.readme, "（登记册中没有该县，未附报送情况和评分表）")
	}
	if err := h.bundleParquet(ctx, b, query.ExportFilter{County: f.County, Year: year}); err != nil {
		return nil, "", err
	}
	head := fmt.Sprintf("%s %d 年政府信息公开工作年度报告数据包，%d 份报告，生成于 %s。\n", county, year, len(reports), b.made.Format("2006-01-02 15:04"))
	if synthetic > 0 {
		head += fmt.Sprintf("其中 %d 份为示例数据：由 Nianbao 生成器虚构，不代表任何真实机关。\n", synthetic)
	}
	if err := b.add("说明.txt", "", []byte(head+"\n"+strings.Join(b.readme, "\n")+"\n")); err != nil {
		return nil, "", err
	}
	if err := b.zw.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), name, nil
}

// countyTables are the county's tables of the bundle: the list of reports
// and each statistic per agency.
func (h *handler) countyTables(ctx context.Context, f query.Filter, reports []query.ReportSummary) ([]query.Table, error) {
	list := query.ReportList{Total: len(reports), Reports: reports}
	tables := list.Tables()
	var first error
	add := func(t tabler, err error) {
		if err != nil {
			first = cmp.Or(first, err)
			return
		}
		tables = append(tables, t.Tables()...)
	}
	add(h.q.Applications(ctx, f, query.GroupAgency))
	add(h.q.Outcomes(ctx, f, query.GroupAgency))
	add(h.q.Reviews(ctx, f, query.GroupAgency))
	add(h.q.Proactive(ctx, f, query.GroupAgency))
	return tables, first
}

// bundleParquet adds the county's Parquet files under parquet/, in the
// partition folders of `analytics export`.
func (h *handler) bundleParquet(ctx context.Context, b *bundleZip, f query.ExportFilter) error {
	dir, err := h.parquet.folder()
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp(dir, "bundle-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	if err := h.q.ExportParquetWhere(ctx, work, f); err != nil {
		return err
	}
	n := 0
	err = filepath.WalkDir(work, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(work, p)
		about := ""
		if n == 0 {
			about = "该县全部单元格（Parquet，按年度/省/县分区，可用 DuckDB、pandas 读取）"
		}
		n++
		return b.add("parquet/"+filepath.ToSlash(rel), about, data)
	})
	return err
}
