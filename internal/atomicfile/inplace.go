package atomicfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// A file with several hard links cannot be replaced by a rename without
// splitting them, so when asked to (ReplaceOptions.InPlaceLinks) it is
// rewritten in place, keeping its inode and so every name, owner and mode.
// An in-place write is not atomic: a backup of the original is written and
// synced first, as a .bak temporary file, and Clean puts the original back
// if a killed run left the file half written.

const (
	bakSuffix = ".bak"
	bakMagic  = "telemetry-inject backup 1\n"
)

// replaceInPlace rewrites name's inode with data, f being open on it and
// already checked to hold expect.
func replaceInPlace(f *os.File, name string, expect, data []byte, tempDir string) error {
	abs, err := filepath.Abs(name)
	if err != nil {
		return err
	}
	bak, err := writeBackup(tempDirFor(name, tempDir), abs, expect, data)
	if err != nil {
		return fmt.Errorf("writing the backup before rewriting in place: %w", err)
	}
	w, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		os.Remove(bak)
		return err
	}
	if same, err := holds(f, expect); err != nil || !same {
		w.Close()
		os.Remove(bak)
		return ErrChanged
	}
	if err := writeAll(w, data); err != nil {
		// The backup stays for Clean: the file may be half written.
		return fmt.Errorf("rewriting in place (the original is kept in %s): %w", bak, err)
	}
	return os.Remove(bak)
}

// writeAll replaces w's whole content with data and syncs it, closing w.
func writeAll(w *os.File, data []byte) error {
	_, err := w.WriteAt(data, 0)
	if err == nil {
		err = w.Truncate(int64(len(data)))
	}
	if err == nil {
		err = w.Sync()
	}
	return errors.Join(err, w.Close())
}

// writeBackup writes the journal of one in-place write: the target's path,
// the checksum of the new content, and the original content.
func writeBackup(dir, target string, orig, data []byte) (string, error) {
	sum := sha256.Sum256(data)
	var b bytes.Buffer
	b.WriteString(bakMagic)
	b.WriteString(target + "\n")
	b.WriteString(hex.EncodeToString(sum[:]) + "\n")
	b.Write(orig)
	tmp, err := writeNew(dir, b.Bytes(), 0o600)
	if err != nil {
		return "", err
	}
	name := strings.TrimSuffix(tmp, tempSuffix) + bakSuffix
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return "", err
	}
	syncDir(dir)
	return name, nil
}

// recoverBackup finishes what a killed in-place write left: if the target
// holds neither its original nor its new content, the original is written
// back. The backup is then deleted; it stays, with an error, if that
// fails. A backup is a file in the user's tree, and a tree may come from
// anyone (a cloned repository can carry a planted one): it is obeyed only
// for a regular file inside root, the tree being run on, never through a
// symbolic link, so it can never write over a file elsewhere.
func recoverBackup(bak, root string) error {
	b, err := os.ReadFile(bak)
	if err != nil {
		return err
	}
	rest, ok := bytes.CutPrefix(b, []byte(bakMagic))
	target, rest, ok2 := bytes.Cut(rest, []byte("\n"))
	sum, orig, ok3 := bytes.Cut(rest, []byte("\n"))
	if !ok || !ok2 || !ok3 {
		return fmt.Errorf("%s is not a backup this version can read; left in place", bak)
	}
	if !InTree(root, string(target)) {
		return fmt.Errorf("%s names %s, which is not a file inside the tree being run on: left in place, nothing written; delete it if no run of yours was interrupted there", bak, target)
	}
	have, err := os.ReadFile(string(target))
	if err != nil {
		return fmt.Errorf("the backup %s of %s: %w", bak, target, err)
	}
	got := sha256.Sum256(have)
	if !bytes.Equal(have, orig) && hex.EncodeToString(got[:]) != string(sum) {
		w, err := os.OpenFile(string(target), os.O_WRONLY|syscall.O_NOFOLLOW, 0)
		if err != nil {
			return fmt.Errorf("putting back %s from %s: %w", target, bak, err)
		}
		if err := writeAll(w, orig); err != nil {
			return fmt.Errorf("putting back %s from %s: %w", target, bak, err)
		}
	}
	return os.Remove(bak)
}
