package model

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/isms-project/isms/generator/diag"
	"go.yaml.in/yaml/v3"
)

// ConfigKeys are the keys isms.yaml may have.
var ConfigKeys = []string{"title", "organization", "base_url", "review_every", "review_every_by_type", "due_soon", "as_of", "theme", "unsafe_html", "max_markdown_size", "max_file_size", "classifications", "default_classification", "editions", "marking_from", "certification"}

// DecodeConfig reads isms.yaml (display is its path for messages). Missing
// keys keep DefaultConfig's values.
func DecodeConfig(display string, src []byte) (Config, diag.List) {
	return decodeConfig(display, src, nil)
}

func decodeConfig(display string, src []byte, schema *Schema) (Config, diag.List) {
	c := DefaultConfig()
	d := &decoder{path: display, line0: 1, schema: schema}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		d.yamlError(err, src)
		return c, d.diags
	}
	if len(root.Content) == 0 {
		return c, d.diags
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		d.errorf(m, "config", "isms.yaml must be a mapping of keys to values")
		return c, d.diags
	}
	seen := map[string]bool{}
	var defaultNode *yaml.Node // default_classification, checked once classifications is known
	var markingNode *yaml.Node
	var editionMax map[int]*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if seen[k.Value] {
			d.errorf(k, "duplicate-key", "key %q is given twice", k.Value)
			continue
		}
		seen[k.Value] = true
		if p, ok := placeholderValue(v); ok { // e.g. a new site's organization: TBD
			d.diags.Warnf(d.pos(v), "placeholder", "%s is the placeholder %q: treated as not given", k.Value, p)
			continue
		}
		switch k.Value {
		case "title":
			c.Title = d.str(v)
		case "organization":
			c.Organization = d.str(v)
		case "base_url":
			if s := d.str(v); s != "" {
				if err := CheckBaseURL(s); err != nil {
					d.errorf(v, "bad-base-url", "base_url %q: %v", s, err)
				} else {
					c.BaseURL = s
				}
			}
		case "max_markdown_size":
			c.MaxMarkdownSize = d.size(v, k.Value)
		case "max_file_size":
			c.MaxFileSize = d.size(v, k.Value)
		case "classifications":
			c.Classifications = d.classifications(v)
		case "default_classification":
			defaultNode = v
		case "marking_from":
			markingNode = v
		case "editions":
			c.Editions, editionMax = d.editions(v)
		case "certification":
			c.Certification = d.certification(v)
		case "theme":
			if s := d.str(v); s != "" {
				if strings.ContainsAny(s, `/\`) || s == "." || s == ".." {
					d.errorf(v, "config", "theme %q must be a folder name under themes/", s)
				} else {
					c.Theme = s
				}
			}
		case "review_every":
			if i := d.interval(v); !i.IsZero() {
				c.ReviewEvery = i
			}
		case "due_soon":
			if i := d.interval(v); !i.IsZero() {
				c.DueSoon = i
			}
		case "as_of":
			c.AsOf = d.date(v)
		case "unsafe_html":
			var b bool
			if v.Decode(&b) != nil {
				d.errorf(v, "bad-value", "unsafe_html must be true or false")
			}
			c.UnsafeHTML = b
		case "review_every_by_type":
			if v.Kind != yaml.MappingNode {
				d.errorf(v, "bad-value", "review_every_by_type maps a document type to an interval, e.g. { register: 6m }")
				continue
			}
			c.TypeReview = map[string]Interval{}
			for j := 0; j+1 < len(v.Content); j += 2 {
				tk, tv := v.Content[j], v.Content[j+1]
				if !slices.Contains(Types, tk.Value) {
					d.errorf(tk, "bad-type", "%q is not a document type (%s)", tk.Value, strings.Join(Types, ", "))
					continue
				}
				if iv := d.interval(tv); !iv.IsZero() {
					c.TypeReview[tk.Value] = iv
				}
			}
		default:
			if sec, ok := d.schema.configSection(k.Value); ok {
				if c.Sections == nil {
					c.Sections = map[string]any{}
				}
				c.Sections[k.Value] = sec.Decode(Values{d}, v)
				continue
			}
			d.unknownKey(k, "", d.schema.ConfigKeys(), nil)
		}
	}
	if defaultNode != nil {
		if s := d.str(defaultNode); s != "" {
			if m, ok := MatchEnum(s, c.scheme()); ok {
				c.DefaultClassification = m
			} else {
				d.enum(defaultNode, "classification", c.scheme()) // the message, with the closest level
			}
		}
	}
	if markingNode != nil {
		c.MarkingFrom = d.level(markingNode, c.scheme())
	}
	for i := range c.Editions {
		n := editionMax[i]
		if n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || strings.TrimSpace(n.Value) == "") {
			d.errorf(n, "bad-value", "edition %s: max must name a classification (%s)", c.Editions[i].Name, strings.Join(c.scheme(), ", "))
			continue
		}
		c.Editions[i].Max = d.level(n, c.scheme())
	}
	return c, d.diags
}

// CheckBaseURL accepts what base_url and --base-url may be: "/path/" or
// "http(s)://host[:port]/path/" (the trailing slash may be left off),
// where every path segment is made of letters, digits and "-._~". Anything
// else is refused rather than guessed at: "//host/" and "/\\host/" are read
// by browsers as another host, an empty segment ("https://a//b/") makes
// links resolve against another host, and percent-escapes, "..", spaces,
// control characters, queries, fragments, user names and other schemes
// ("javascript:") have no business in the prefix of every link.
func CheckBaseURL(s string) error {
	if s == "" {
		return errors.New("is empty")
	}
	for _, r := range s {
		switch {
		case r <= ' ' || r >= 0x7F:
			return fmt.Errorf("holds %s: write the host in ASCII (punycode) and no spaces", describeRune(r))
		case r == '\\':
			return errors.New("holds a backslash, which browsers read as a slash")
		case r == '%':
			return errors.New("holds a percent-escape: write the path plainly")
		case r == '?' || r == '#':
			return errors.New("holds a query or a fragment")
		}
	}
	path := s
	switch {
	case strings.HasPrefix(s, "//"):
		return errors.New("starts with //, which browsers read as another host: write https://host/path/ or /path/")
	case strings.HasPrefix(s, "/"):
	case strings.HasPrefix(s, "http://"), strings.HasPrefix(s, "https://"):
		_, rest, _ := strings.Cut(s, "://")
		host, p, found := strings.Cut(rest, "/")
		if err := checkHost(host); err != nil {
			return err
		}
		path = "/"
		if found {
			path += p
		}
	default:
		return errors.New("must be https://host/path/, http://host/path/ or /path/")
	}
	if strings.Contains(path, "//") {
		return errors.New("has an empty path segment (//), which browsers can read as another host")
	}
	segs := strings.TrimSuffix(strings.TrimPrefix(path, "/"), "/")
	if segs == "" {
		return nil
	}
	for _, seg := range strings.Split(segs, "/") {
		switch {
		case seg == "":
			return errors.New("has an empty path segment (//), which browsers can read as another host")
		case seg == "." || seg == "..":
			return fmt.Errorf("has a %q path segment", seg)
		case !segmentPattern.MatchString(seg):
			return fmt.Errorf("path segment %q may hold only letters, digits and - . _ ~", seg)
		}
	}
	return nil
}

var (
	segmentPattern  = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)
	hostnamePattern = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$`)
)

func checkHost(hp string) error {
	if hp == "" {
		return errors.New("has no host")
	}
	if strings.Contains(hp, "@") {
		return errors.New("holds a user name (@)")
	}
	host, port, hasPort := hp, "", false
	if strings.HasPrefix(hp, "[") {
		end := strings.Index(hp, "]")
		if end < 0 {
			return fmt.Errorf("host %q is not a host name or an IP address", hp)
		}
		host, rest := hp[1:end], hp[end+1:]
		if ip := net.ParseIP(host); ip == nil || ip.To4() != nil {
			return fmt.Errorf("host %q is not an IPv6 address", hp)
		}
		if rest != "" {
			port, hasPort = strings.CutPrefix(rest, ":")
			if !hasPort {
				return fmt.Errorf("host %q is not a host name or an IP address", hp)
			}
		}
	} else {
		host, port, hasPort = strings.Cut(hp, ":")
		if !hostnamePattern.MatchString(host) || len(host) > 253 {
			return fmt.Errorf("host %q is not a host name or an IP address", host)
		}
	}
	if hasPort {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 || port[0] == '0' || port[0] == '+' {
			return fmt.Errorf("port %q is not a port number", port)
		}
	}
	return nil
}

func describeRune(r rune) string {
	switch {
	case r == ' ':
		return "a space"
	case r < ' ' || r == 0x7F || (r >= 0x80 && r <= 0x9F):
		return fmt.Sprintf("the control character %U", r)
	}
	return fmt.Sprintf("the non-ASCII character %U", r)
}

var sizePattern = regexp.MustCompile(`^([0-9]{1,15})\s*([KMG]I?B?|B)?$`)

// size reads a byte count: 20MB, 512 KB, 1GiB or a plain number of bytes.
// K, M and G count in 1,024s.
func (d *decoder) size(v *yaml.Node, key string) int64 {
	s := d.str(v)
	if s == "" {
		return 0
	}
	m := sizePattern.FindStringSubmatch(strings.ToUpper(s))
	if m == nil {
		d.errorf(v, "bad-value", "%s %q is not a size such as 20MB, 512KB or 1GB", key, s)
		return 0
	}
	n, _ := strconv.ParseInt(m[1], 10, 64)
	switch {
	case strings.HasPrefix(m[2], "K"):
		n <<= 10
	case strings.HasPrefix(m[2], "M"):
		n <<= 20
	case strings.HasPrefix(m[2], "G"):
		n <<= 30
	}
	if n <= 0 || n > 1<<40 {
		d.errorf(v, "bad-value", "%s %q must be more than 0 and at most 1TB", key, s)
		return 0
	}
	return n
}
