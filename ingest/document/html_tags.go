package document

import "golang.org/x/net/html/atom"

// htmlTag is what the line reader (html_lines.go) knows of a tag: how it
// shows (a line break, hidden content) and how it opens and closes
// without its end tag on a page that browsers, and html.Parse, read as
// the author wrote it. Every class below is checked against html.Parse by
// TestHTMLTagClasses.
type htmlTag uint32

const (
	tagVoid      htmlTag = 1 << iota // never has content (<br>, <meta>)
	tagBlock                         // starts and ends a paragraph: htmlBlock
	tagDrop                          // its content is never shown: htmlDropped
	tagRaw                           // the tokenizer reads its content as text up to its end tag
	tagClosesP                       // its start tag ends an open <p> first
	tagFormat                        // a formatting element html.Parse reopens when it is closed by another tag
	tagSpecial                       // an end tag of an inline element cannot close past it
	tagBoundary                      // an end tag cannot close past it (a cell, a table, an object)
	tagHeadish                       // before <body>, it goes into <head>
	tagGiveUp                        // the line reader leaves the page to html.Parse
	tagScoped                        // its end tag closes the nearest one open, and what is inside it
	tagHeading                       // h1–h6
	tagTablePart                     // caption, col, colgroup, tbody, td, tfoot, th, thead, tr
)

var htmlTags = func() map[atom.Atom]htmlTag {
	m := map[atom.Atom]htmlTag{}
	set := func(f htmlTag, as ...atom.Atom) {
		for _, a := range as {
			m[a] |= f
		}
	}
	for a := range htmlDropped {
		m[a] |= tagDrop
	}
	for a := range htmlBlock {
		m[a] |= tagBlock
	}
	set(tagVoid, atom.Area, atom.Base, atom.Basefont, atom.Bgsound, atom.Br, atom.Col, atom.Embed, atom.Hr,
		atom.Img, atom.Input, atom.Link, atom.Meta, atom.Param, atom.Source, atom.Track, atom.Wbr)
	set(tagRaw, atom.Iframe, atom.Noembed, atom.Noframes, atom.Noscript, atom.Script, atom.Style,
		atom.Textarea, atom.Title, atom.Xmp)
	headings := []atom.Atom{atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6}
	set(tagHeading, headings...)
	// Containers whose end tag closes everything opened inside them.
	containers := []atom.Atom{atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center,
		atom.Details, atom.Dialog, atom.Dir, atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption, atom.Figure,
		atom.Footer, atom.Header, atom.Hgroup, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.Search,
		atom.Section, atom.Summary, atom.Ul, atom.Pre}
	set(tagClosesP, containers...)
	set(tagClosesP, headings...)
	set(tagClosesP, atom.P, atom.Form, atom.Li, atom.Dd, atom.Dt, atom.Hr, atom.Xmp, atom.Table)
	set(tagScoped, containers...)
	set(tagScoped, atom.Button, atom.Li, atom.Dd, atom.Dt, atom.Applet, atom.Marquee, atom.Object)
	set(tagFormat, atom.A, atom.B, atom.Big, atom.Code, atom.Em, atom.Font, atom.I, atom.S, atom.Small,
		atom.Strike, atom.Strong, atom.Tt, atom.U)
	set(tagBoundary, atom.Applet, atom.Caption, atom.Html, atom.Table, atom.Td, atom.Th, atom.Marquee, atom.Object)
	set(tagHeadish, atom.Base, atom.Basefont, atom.Bgsound, atom.Link, atom.Meta, atom.Title, atom.Noscript,
		atom.Noframes, atom.Style, atom.Script)
	set(tagTablePart, atom.Caption, atom.Col, atom.Colgroup, atom.Tbody, atom.Td, atom.Tfoot, atom.Th,
		atom.Thead, atom.Tr)
	// Pages the reader does not model: framesets, templates, foreign
	// content (SVG and MathML change how tags are read), text that runs to
	// the end of the page, and the tags html.Parse renames or treats as no
	// other (<image>, <nobr>, ruby, <listing>'s first line break).
	set(tagGiveUp, atom.Frameset, atom.Frame, atom.Template, atom.Svg, atom.Math, atom.Plaintext,
		atom.Listing, atom.Image, atom.Nobr, atom.Rb, atom.Rp, atom.Rt, atom.Rtc, atom.Keygen, atom.Menuitem,
		atom.Optgroup, atom.Isindex)
	set(tagSpecial, containers...)
	// html.Parse (x/net v0.62) does not count the two newest as special.
	for _, a := range []atom.Atom{atom.Search, atom.Dialog} {
		m[a] &^= tagSpecial
	}
	set(tagSpecial, headings...)
	set(tagSpecial, atom.Applet, atom.Area, atom.Base, atom.Basefont, atom.Bgsound, atom.Body, atom.Br,
		atom.Button, atom.Caption, atom.Col, atom.Colgroup, atom.Dd, atom.Dt, atom.Embed, atom.Form,
		atom.Frame, atom.Frameset, atom.Head, atom.Hr, atom.Html, atom.Iframe, atom.Img, atom.Input,
		atom.Keygen, atom.Li, atom.Link, atom.Listing, atom.Marquee, atom.Meta, atom.Noembed, atom.Noframes,
		atom.Noscript, atom.Object, atom.P, atom.Param, atom.Plaintext, atom.Script, atom.Select, atom.Source,
		atom.Style, atom.Table, atom.Tbody, atom.Td, atom.Template, atom.Textarea, atom.Tfoot, atom.Th,
		atom.Thead, atom.Title, atom.Tr, atom.Track, atom.Wbr, atom.Xmp)
	return m
}()
