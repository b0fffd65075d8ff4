package scenarios

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing/fstest"

	"github.com/holdlab/holdlab/features"
)

// BuiltinFeatures names the embedded feature files among FeatureSources'
// arguments.
const BuiltinFeatures = "builtin"

// FeatureSources gathers the feature files named on the command line into
// one FS, and returns it with the paths to select in it (Config.FS and
// Config.Paths). Each argument is a .feature file, possibly with the line
// of one scenario ("my.feature:12"), a folder (its .feature files, at any
// depth), or "builtin": the embedded features, named features/…. A file is
// named by its path relative to the working folder, or, outside it, by its
// absolute path without the leading slash. A name that does not exist, or
// a folder without feature files, is an error wrapping ErrInput.
func FeatureSources(args []string) (fs.FS, []string, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return nil, nil, err
	}
	files := fstest.MapFS{}
	owner := map[string]string{} // name -> the argument that brought it
	add := func(name string, data []byte, arg string) error {
		if prev, ok := owner[name]; ok && prev != arg && string(files[name].Data) != string(data) {
			return inputErrorf("--features %s and %s both bring a different %s: give one of them", prev, arg, name)
		}
		owner[name] = arg
		files[name] = &fstest.MapFile{Data: data, Mode: 0o644}
		return nil
	}
	var paths []string
	for _, arg := range args {
		arg = strings.TrimSpace(arg)
		if arg == BuiltinFeatures {
			names, err := featureFiles(features.FS)
			if err != nil {
				return nil, nil, err
			}
			for _, n := range names {
				data, err := fs.ReadFile(features.FS, n)
				if err != nil {
					return nil, nil, err
				}
				if err := add("features/"+n, data, arg); err != nil {
					return nil, nil, err
				}
			}
			paths = append(paths, "features")
			continue
		}
		p, line := pathLine(arg)
		if _, err := os.Stat(arg); line > 0 && err == nil {
			p, line = arg, 0 // a name that ends with ":digits"
		}
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, inputErrorf("--features %s: no such file or folder", arg)
		}
		name := featureName(cwd, p)
		if !info.IsDir() {
			if !strings.HasSuffix(p, ".feature") {
				return nil, nil, inputErrorf("--features %s: not a .feature file", arg)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return nil, nil, inputErrorf("--features %s: %v", arg, err)
			}
			if err := add(name, data, arg); err != nil {
				return nil, nil, err
			}
			if line > 0 {
				name += ":" + strconv.Itoa(line)
			}
			paths = append(paths, name)
			continue
		}
		if line > 0 {
			return nil, nil, inputErrorf("--features %s: a line number needs a file, not a folder", arg)
		}
		found := 0
		err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() != "." && f != p && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(f, ".feature") {
				return nil
			}
			data, err := os.ReadFile(f)
			if err != nil {
				return err
			}
			found++
			return add(featureName(cwd, f), data, arg)
		})
		if err != nil {
			return nil, nil, inputErrorf("--features %s: %v", arg, err)
		}
		if found == 0 {
			return nil, nil, inputErrorf("--features %s: the folder has no .feature file", arg)
		}
		paths = append(paths, name)
	}
	sort.Strings(paths)
	return files, paths, nil
}

// featureName names a file on disk within FeatureSources' FS: relative to
// cwd, or its absolute path without the leading slash.
func featureName(cwd, p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = p
	}
	rel, err := filepath.Rel(cwd, abs)
	if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		if rel == "." {
			return "."
		}
		return filepath.ToSlash(rel)
	}
	return strings.TrimPrefix(path.Clean(filepath.ToSlash(abs)), "/")
}
