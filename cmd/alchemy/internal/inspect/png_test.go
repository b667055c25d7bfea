package inspect

import (
	"image"
	"image/png"
	"os"
	"testing"
)

// readPNG decodes the PNG file and counts the table headers drawn in it: the
// regions filled with the header colour (#dbe7f3) that are large enough to be a
// header cell rather than the inside of a letter.
func readPNG(t *testing.T, file string) (image.Rectangle, int) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", file, err)
	}
	b := img.Bounds()
	header := func(x, y int) bool {
		r, g, bl, _ := img.At(x, y).RGBA()
		return r>>8 == 0xdb && g>>8 == 0xe7 && bl>>8 == 0xf3
	}
	seen := make([]bool, b.Dx()*b.Dy())
	regions := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if seen[(y-b.Min.Y)*b.Dx()+x-b.Min.X] || !header(x, y) {
				continue
			}
			size, stack := 0, []image.Point{{x, y}}
			seen[(y-b.Min.Y)*b.Dx()+x-b.Min.X] = true
			for len(stack) > 0 {
				p := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				size++
				for _, q := range []image.Point{{p.X + 1, p.Y}, {p.X - 1, p.Y}, {p.X, p.Y + 1}, {p.X, p.Y - 1}} {
					if !q.In(b) {
						continue
					}
					i := (q.Y-b.Min.Y)*b.Dx() + q.X - b.Min.X
					if !seen[i] && header(q.X, q.Y) {
						seen[i] = true
						stack = append(stack, q)
					}
				}
			}
			if size >= 300 {
				regions++
			}
		}
	}
	return b, regions
}
