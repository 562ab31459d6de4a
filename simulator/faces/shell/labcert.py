"""The certificate a built-in server of the lab presents (a lesson's server, a lab host
reached with ``:connect``), made once a process per hostname: ``lessons check`` replays the
TLS lessons many times. Below both course.py and connect.py, which each need it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from simulator.protocol import Policy

if TYPE_CHECKING:
    from simulator.server.secure import Prepared

_CERTIFICATES: dict[str, Prepared] = {}
"""The generated certificate per hostname, loaded once a process."""


def certificate_for(policy: Policy) -> Prepared:
    """The lab server's certificate: generated once into the data directory, or, when
    that cannot be written (a read-only home), into a private temporary folder."""
    from simulator.options.records import OptionError
    from simulator.server.secure import with_certificate

    prepared = _CERTIFICATES.get(policy.hostname)
    if prepared is None:
        try:
            prepared = with_certificate(policy)
        except OptionError:
            import tempfile
            from pathlib import Path

            prepared = with_certificate(policy, directory=Path(tempfile.mkdtemp(
                prefix="smtp-sim-tls-")))
        _CERTIFICATES[policy.hostname] = prepared
    return replace(prepared, policy=policy)
