package publish

import (
	"archive/zip"
	"encoding/binary"
	"io"
)

// Signatures and fixed sizes of the zip records zipLayout walks (APPNOTE
// 4.3).
const (
	localSig      = 0x04034b50
	descriptorSig = 0x08074b50
	endSig        = 0x06054b50
	end64Sig      = 0x06064b50
	locator64Sig  = 0x07064b50
	localLen      = 30
	centralLen    = 46
	endLen        = 22
	end64Len      = 56
	locator64Len  = 20
	max32         = 0xffffffff
)

// zipLayout says where a zip holds bytes that belong to no entry, or ""
// if it holds none: its entries must start at byte 0 and follow one
// another (local header, name, extra field, data, data descriptor) in
// the directory's order, each where the directory says, the directory
// must follow the last entry and hold only its records, and the end
// record (and the zip64 ones, if any) must close the file. archive/zip
// itself accepts bytes before the archive (a self-extracting prefix), a
// comment, and gaps, any of which could carry content no check sees.
func zipLayout(r io.ReaderAt, size int64, files []*zip.File) string {
	read := func(off uint64, n int) []byte {
		if off > uint64(size) || uint64(size)-off < uint64(n) {
			return nil
		}
		b := make([]byte, n)
		if _, err := r.ReadAt(b, int64(off)); err != nil {
			return nil
		}
		return b
	}
	le16 := func(b []byte) uint64 { return uint64(binary.LittleEndian.Uint16(b)) }
	le32 := func(b []byte) uint64 { return uint64(binary.LittleEndian.Uint32(b)) }
	le64 := binary.LittleEndian.Uint64

	if size < endLen {
		return "too short to be a zip archive"
	}
	if h := read(0, 4); len(files) > 0 && (h == nil || le32(h) != localSig) {
		return "bytes before the first entry"
	}
	endOff := uint64(size) - endLen
	end := read(endOff, endLen)
	if end == nil || le32(end) != endSig || le16(end[20:]) != 0 {
		return "bytes after the end of the archive"
	}
	cdSize, cdOff, cdEnd := le32(end[12:]), le32(end[16:]), endOff
	if cdSize == max32 || cdOff == max32 || le16(end[10:]) == 0xffff {
		loc := read(endOff-locator64Len, locator64Len)
		if endOff < locator64Len || loc == nil || le32(loc) != locator64Sig {
			return "a zip64 archive without its locator"
		}
		off := le64(loc[8:])
		rec := read(off, end64Len)
		if rec == nil || le32(rec) != end64Sig || off+end64Len+locator64Len != endOff {
			return "bytes around the zip64 end record"
		}
		cdSize, cdOff, cdEnd = le64(rec[40:]), le64(rec[48:]), off
	}
	if cdOff+cdSize != cdEnd {
		return "bytes between the directory and the end record"
	}
	var cur, dirLen uint64
	for _, zf := range files {
		h := read(cur, localLen)
		if h == nil || le32(h) != localSig {
			if cur == 0 {
				return "bytes before the first entry"
			}
			return "bytes between entries"
		}
		flags, n, e := le16(h[6:]), le16(h[26:]), le16(h[28:])
		if name := read(cur+localLen, int(n)); string(name) != zf.Name {
			return "entries out of the directory's order"
		}
		data := cur + localLen + n + e
		if off, err := zf.DataOffset(); err != nil || off < 0 || uint64(off) != data {
			return "an entry is not where the directory says"
		}
		cur = data + zf.CompressedSize64
		if flags&0x8 != 0 {
			if d := read(cur, 4); d != nil && le32(d) == descriptorSig {
				cur += 4
			}
			if zf.CompressedSize64 >= max32 || zf.UncompressedSize64 >= max32 {
				cur += 20
			} else {
				cur += 12
			}
		}
		dirLen += centralLen + uint64(len(zf.Name)) + uint64(len(zf.Extra)) + uint64(len(zf.Comment))
	}
	if cur != cdOff {
		return "bytes between the last entry and the directory"
	}
	if dirLen != cdSize {
		return "bytes inside the directory"
	}
	return ""
}
