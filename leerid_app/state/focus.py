"""Moving keyboard focus from a handler, for results that replace the control that was used."""

import json

import reflex as rx

PAGE_HEADING_ID = "page-heading"
RESULT_HEADING_ID = "result-heading"
FLASH_ID = "flash"
SKIPPED_LIST_ID = "skipped-list"


def focus_when_shown(element_id: str) -> rx.event.EventSpec:
    """Focus an element as soon as the browser rendered it (assets/focus_heading.js)."""
    return rx.call_script(f"window.leeridFocus && window.leeridFocus({json.dumps(element_id)})")
