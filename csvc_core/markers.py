"""The one name plugin authors import: ``from csvc_core import hookimpl``."""

import pluggy

hookimpl = pluggy.HookimplMarker("csvc")
