"""An assessment re-read after an instrument upgrade gives its original result (instrument snapshots)."""

from __future__ import annotations

import attrs

from csvc_core.framework import Csvc
from csvc_core.model import Instrument, Tier
from csvc_core.store import Store, StoreSession, assessing, casefile, cases, open_store
from tests.support.constants import PASSPHRASE
from tests.support.stores import grid


class UpgradedCatalogue(Csvc):
    """The installed framework, with csvc-grid 2.0 whose rule no longer counts the aggravating group."""

    def instrument(self, instrument_id: str, sector: str | None = None) -> Instrument:
        found = super().instrument(instrument_id, sector)
        if instrument_id != "csvc-grid":
            return found
        tiers = tuple(tier for tier in found.rule.tiers if tier.group != "aggravating")
        assert tiers != found.rule.tiers and all(isinstance(tier, Tier) for tier in tiers)
        return attrs.evolve(found, version="2.0", rule=attrs.evolve(found.rule, tiers=tiers))

    def scoring_instrument(self, instrument_id: str, sector: str | None) -> Instrument:
        return self.instrument(instrument_id, sector)


def test_reread_after_upgrade_gives_the_original_result(store: Store, session: StoreSession) -> None:
    case_id = session.run(cases.new_case, "Dossier")
    stored = session.assess(case_id, "csvc-grid", grid(separation="yes"))
    assert stored.result.level == "elevated"

    upgraded = UpgradedCatalogue(session.csvc.pm)
    with open_store(store.location.url, csvc=upgraded) as again, again.unlock("alice", PASSPHRASE) as later:
        upgraded_now = later.csvc.assess("csvc-grid", grid(separation="yes"), sector="shelter")
        assert upgraded_now.instrument.version == "2.0" and upgraded_now.level != "elevated"

        reread = later.run(assessing.reread_assessment, stored.id)
        assert reread.instrument.version == "1.0"
        assert reread.to_json() == {**stored.result.to_json()}
        assert later.run(assessing.read_result, stored.id) == stored.result.to_json()
        [summary] = later.run(casefile.case_detail, case_id).assessments
        assert (summary.instrument_version, summary.level) == ("1.0", "elevated")
