"""Browser tests: the real app in a subprocess, driven with Playwright in Chromium."""
