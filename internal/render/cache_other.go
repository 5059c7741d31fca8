//go:build windows

package render

import "os"

// fileIdentity: Windows has no inode or change time in os.FileInfo.
func fileIdentity(os.FileInfo) string { return "" }

// private: the profile's cache folder is the user's own on Windows.
func private(os.FileInfo) bool { return true }
