// ocipack writes an image into an OCI image layout's blobs (manifest, config, layers), with
// OCI media types, and prints the manifest digest. The Dagger engine loads such images as
// "built-in content" (by manifest digest) from /usr/local/share/dagger/content.
//
//	ocipack -out DIR -docker-tar FILE [-ref REPO:TAG]   an image from `docker save`
//	ocipack -out DIR -dir ROOTFS [-env K=V ...]         one layer holding ROOTFS's files
package main

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

type envList []string

func (e *envList) String() string     { return strings.Join(*e, ",") }
func (e *envList) Set(v string) error { *e = append(*e, v); return nil }

func main() {
	out := flag.String("out", "", "OCI layout directory to write (created or extended)")
	dockerTar := flag.String("docker-tar", "", "a `docker save` tarball")
	ref := flag.String("ref", "", "the image in -docker-tar to take (default: the only one)")
	dir := flag.String("dir", "", "a directory to pack as a single-layer image")
	var env envList
	flag.Var(&env, "env", "K=V for the image config (with -dir; repeatable)")
	flag.Parse()
	if *out == "" || (*dockerTar == "") == (*dir == "") {
		fmt.Fprintln(os.Stderr, "usage: ocipack -out DIR (-docker-tar FILE [-ref REF] | -dir ROOTFS [-env K=V])")
		os.Exit(2)
	}
	var img v1.Image
	var err error
	if *dockerTar != "" {
		img, err = fromDockerTar(*dockerTar, *ref)
	} else {
		img, err = fromDir(*dir, env)
	}
	if err == nil {
		img, err = asOCI(img)
	}
	if err == nil {
		err = write(*out, img)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ocipack:", err)
		os.Exit(1)
	}
	d, err := img.Digest()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ocipack:", err)
		os.Exit(1)
	}
	fmt.Println(d.String())
}

func fromDockerTar(path, ref string) (v1.Image, error) {
	var tag *name.Tag
	if ref != "" {
		t, err := name.NewTag(ref)
		if err != nil {
			return nil, err
		}
		tag = &t
	}
	return tarball.ImageFromPath(path, tag)
}

// asOCI rebuilds img with OCI media types (manifest, config, gzip layers); docker save's
// images carry Docker schema 2 types. Layer contents and the config stay as they are.
func asOCI(img v1.Image) (v1.Image, error) {
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	layers, err := img.Layers()
	if err != nil {
		return nil, err
	}
	out := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	out = mutate.ConfigMediaType(out, types.OCIConfigJSON)
	for _, l := range layers {
		out, err = mutate.Append(out, mutate.Addendum{Layer: l, MediaType: types.OCILayer})
		if err != nil {
			return nil, err
		}
	}
	return mutate.ConfigFile(out, cfg.DeepCopy())
}

func write(dir string, img v1.Image) error {
	p, err := layout.FromPath(dir)
	if err != nil {
		p, err = layout.Write(dir, empty.Index)
		if err != nil {
			return err
		}
	}
	return p.WriteImage(img)
}

// fromDir packs a directory as one reproducible layer (sorted, owner root, mtime zero).
func fromDir(root string, env []string) (v1.Image, error) {
	var buf bytes.Buffer
	if err := tarDir(root, &buf); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img, err := mutate.AppendLayers(empty.Image, layer)
	if err != nil {
		return nil, err
	}
	cfg, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cfg = cfg.DeepCopy()
	cfg.OS, cfg.Architecture = "linux", "amd64"
	cfg.Config.Env = env
	cfg.Created = v1.Time{Time: time.Unix(0, 0).UTC()}
	return mutate.ConfigFile(img, cfg)
}

func tarDir(root string, w io.Writer) error {
	var paths []string
	err := filepath.WalkDir(root, func(p string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != root {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(paths)
	tw := tar.NewWriter(w)
	for _, p := range paths {
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		link := ""
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		hdr.Name = filepath.ToSlash(rel)
		if info.IsDir() {
			hdr.Name += "/"
		}
		hdr.Uid, hdr.Gid, hdr.Uname, hdr.Gname = 0, 0, "", ""
		hdr.ModTime, hdr.AccessTime, hdr.ChangeTime = time.Unix(0, 0), time.Time{}, time.Time{}
		hdr.Format = tar.FormatPAX
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			if err != nil {
				return err
			}
		}
	}
	return tw.Close()
}
