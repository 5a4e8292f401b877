package batch

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/telemetry-inject/telemetry-inject/internal/atomicfile"
	"github.com/telemetry-inject/telemetry-inject/internal/cache"
)

// StateFile is the name of the file, under the project's cache.DirName
// folder, that lists the batches submitted and not yet collected.
const StateFile = "batches.json"

// stateVersion is written in the file; a file of another version is
// refused rather than misread.
const stateVersion = 1

// state is the content of the state file.
type state struct {
	Version int      `json:"version"`
	Batches []*entry `json:"batches"`

	// removed holds the ids this process forgot, so that merging with the
	// file on disk does not bring them back.
	removed map[string]bool
}

// entry is one submitted batch. Items maps each custom_id it covers to the
// fingerprint of the request sent, so a construct edited since is not
// answered with the reply to its old code.
type entry struct {
	ID        string            `json:"id"`
	Provider  string            `json:"provider"`
	Submitted time.Time         `json:"submitted"`
	Canceled  bool              `json:"canceled,omitempty"`
	Items     map[string]string `json:"items"`
}

// statePath returns where the state file of the project at root lives.
func statePath(root string) string { return filepath.Join(root, cache.DirName, StateFile) }

// loadState reads the state file; a missing file is an empty state.
func loadState(root string) (*state, error) {
	name := statePath(root)
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return &state{Version: stateVersion}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the saved batches: %w", err)
	}
	var st state
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("reading the saved batches in %s: %w (delete the file to forget them; their results are then lost)", name, err)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("%s has version %d; this telemetry-inject reads version %d", name, st.Version, stateVersion)
	}
	return &st, nil
}

// save writes the state atomically: a process killed mid-write leaves the
// old file or the new one, never a torn one, since a lost batch id is a
// batch paid for and never collected. An empty state removes the file.
func (st *state) save(root string) error {
	name := statePath(root)
	// Another run in the same project (a second terminal) may have saved
	// batches since this one loaded the file: keep them. Two runs saving
	// at the same instant can still lose one's write; the window is the
	// time between this read and the rename below.
	if disk, err := loadState(root); err == nil {
		known := map[string]bool{}
		for _, e := range st.Batches {
			known[e.ID] = true
		}
		for _, e := range disk.Batches {
			if !known[e.ID] && !st.removed[e.ID] {
				st.Batches = append(st.Batches, e)
			}
		}
	}
	if len(st.Batches) == 0 {
		if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing %s: %w", name, err)
		}
		return nil
	}
	if _, err := cache.StateDir(root); err != nil {
		return err
	}
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the saved batches: %w", err)
	}
	if err := atomicfile.Write(name, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("saving the batch ids to %s: %w", name, err)
	}
	return nil
}

// remove drops the entry for batch id.
func (st *state) remove(id string) {
	if st.removed == nil {
		st.removed = map[string]bool{}
	}
	st.removed[id] = true
	for i, e := range st.Batches {
		if e.ID == id {
			st.Batches = append(st.Batches[:i], st.Batches[i+1:]...)
			return
		}
	}
}
