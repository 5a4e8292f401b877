// Package cache keeps the LLM's validated answers, content-addressed, in the
// project's .telemetry-inject folder. A re-run after an edit asks only about
// the constructs whose prompt changed, and a run that was interrupted or
// killed resumes without paying again for any answer it already received:
// each answer is appended to the log the moment it arrives.
package cache

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// DirName is the project-local folder holding the tool's state.
const DirName = ".telemetry-inject"

const logName = "decisions.jsonl"

// Entry is one cached answer.
type Entry struct {
	Key          string          `json:"key"`
	Answer       json.RawMessage `json:"answer"`
	Provider     string          `json:"provider"`
	Model        string          `json:"model"`
	InputTokens  int             `json:"input_tokens"`
	OutputTokens int             `json:"output_tokens"`
	CostUSD      float64         `json:"cost_usd"`
	Time         time.Time       `json:"time"`
}

// Cache is an append-only log of answers with an in-memory index. It is
// safe for concurrent use.
type Cache struct {
	mu      sync.Mutex
	entries map[string]Entry
	log     *os.File
	hits    int
	misses  int
}

// Open loads the cache under projectRoot, creating the folder (with a
// .gitignore that keeps it out of version control) when needed. A torn last
// line, left by a process killed mid-write, is ignored.
func Open(projectRoot string) (*Cache, error) {
	dir, err := StateDir(projectRoot)
	if err != nil {
		return nil, err
	}
	c := &Cache{entries: map[string]Entry{}}
	name := filepath.Join(dir, logName)
	if err := c.load(name); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND|syscall.O_NOFOLLOW, 0o644)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("the cache %s is a symbolic link, which telemetry-inject never writes through: delete it and run again", name)
	}
	if err != nil {
		return nil, fmt.Errorf("opening the cache: %w", err)
	}
	if torn, err := endsTorn(f); err == nil && torn {
		// Ends the half line, so the next answer gets a line of its own.
		_, _ = f.Write([]byte{'\n'})
	}
	c.log = f
	return c, nil
}

// endsTorn reports whether the log's last byte is not a newline: a process
// killed (or a disk filled) in the middle of a write left half a line.
func endsTorn(f *os.File) (bool, error) {
	info, err := f.Stat()
	if err != nil || info.Size() == 0 {
		return false, err
	}
	last := make([]byte, 1)
	r, err := os.Open(f.Name())
	if err != nil {
		return false, err
	}
	defer r.Close()
	if _, err := r.ReadAt(last, info.Size()-1); err != nil {
		return false, err
	}
	return last[0] != '\n', nil
}

// StateDir returns the project's state folder (.telemetry-inject), creating
// it when needed with a .gitignore that keeps it out of version control.
// The answer log and the saved batch ids live there.
//
// The folder is part of the user's tree, which may come from anyone: a
// cloned repository can carry a .telemetry-inject that links elsewhere, or
// links inside it to the user's files. A linked folder is refused, and no
// file in it is written through a link.
func StateDir(projectRoot string) (string, error) {
	dir := filepath.Join(projectRoot, DirName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating the state folder %s: %w", dir, err)
	}
	if err := OwnFolder(dir); err != nil {
		return "", err
	}
	name := filepath.Join(dir, ".gitignore")
	if _, err := os.Lstat(name); err == nil {
		return dir, nil
	}
	// "*" ignores the folder's whole content, this file included, so the
	// user's repository never sees the cache. O_EXCL creates the file or
	// fails; it never opens what a link points to.
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return dir, nil
	}
	if err == nil {
		_, err = f.Write([]byte("# Written by telemetry-inject: keeps its cache out of version control.\n*\n"))
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		return "", fmt.Errorf("writing %s: %w", name, err)
	}
	return dir, nil
}

// OwnFolder returns an error unless dir is a folder itself, not a symbolic
// link to one: the tool's state must stay in the tree it was run on.
func OwnFolder(dir string) error {
	info, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !info.IsDir() {
		return fmt.Errorf("%s is not a folder (a symbolic link?); telemetry-inject keeps its lock, cache and temporary files only in a folder of the tree itself: delete it and run again", dir)
	}
	return nil
}

func (c *Cache) load(name string) error {
	b, err := readOwn(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading the cache: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<26)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) != nil || e.Key == "" {
			continue // a torn or foreign line: the answer is simply asked again
		}
		c.entries[e.Key] = e
	}
	return nil
}

// readOwn reads the regular file name, never through a symbolic link: a
// planted link to /dev/zero or a pipe would hold the run for ever.
func readOwn(name string) ([]byte, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("%s is a symbolic link, which telemetry-inject never follows: delete it and run again", name)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if info, err := f.Stat(); err != nil {
		return nil, err
	} else if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file: delete it and run again", name)
	}
	return io.ReadAll(f)
}

// Key addresses an answer by everything that could change it: the provider,
// the model, the prompt version and the full prompt (which holds the
// construct's code and context) and schema.
func Key(provider, model, promptVersion string, parts ...[]byte) string {
	h := sha256.New()
	for _, s := range []string{provider, model, promptVersion} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	for _, p := range parts {
		fmt.Fprintf(h, "%d:", len(p))
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Get returns the cached entry for key and counts a hit or a miss.
func (c *Cache) Get(key string) (Entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if ok {
		c.hits++
	} else {
		c.misses++
	}
	return e, ok
}

// OpenReadOnly loads the cache under projectRoot, if there is one, without
// creating anything: a dry run reuses earlier answers but writes nothing.
// Put on a read-only cache keeps the answer for this run only.
func OpenReadOnly(projectRoot string) (*Cache, error) {
	c := &Cache{entries: map[string]Entry{}}
	if err := c.load(filepath.Join(projectRoot, DirName, logName)); err != nil {
		return nil, err
	}
	return c, nil
}

// Put records an answer and appends it to the log at once, so a process
// killed a moment later still keeps it.
func (c *Cache) Put(e Entry) error {
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	line = append(line, '\n')
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[e.Key] = e
	if c.log == nil {
		return nil // read-only
	}
	// One write per line: O_APPEND makes it land whole, also with several
	// processes sharing the file.
	if _, err := c.log.Write(line); err != nil {
		return fmt.Errorf("writing the cache: %w", err)
	}
	return nil
}

// Stats returns the hits and misses counted so far.
func (c *Cache) Stats() (hits, misses int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits, c.misses
}

// Len is the number of cached answers.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.entries)
}

// Close syncs and closes the log.
func (c *Cache) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.log == nil {
		return nil
	}
	err := c.log.Sync()
	if cerr := c.log.Close(); err == nil {
		err = cerr
	}
	c.log = nil
	return err
}
