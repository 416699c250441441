"""Sharing from the keyboard, with Pilot on a real SQLite store: consent, a share under it and one refused
outside it, an art. 60.4 disclosure with its guards, withdrawal, what a partner received, and the privacy key
dropping it all. Assertions read the store."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from csvc_tui.screens.case import CaseScreen
from csvc_tui.screens.cases import CasesScreen
from csvc_tui.screens.consent import ConsentForm, ShareForm
from csvc_tui.screens.disclosure import DisclosureForm
from csvc_tui.screens.disclosure_summary import DisclosureSummary
from csvc_tui.screens.gate import GateScreen
from csvc_tui.screens.sharing import DisclosureEntryScreen, ReceivedScreen, SharingScreen
from csvc_tui.sharing import DISCLOSURE_DRAFT
from textual import events
from textual.widgets import Input, OptionList, Select, SelectionList, Static
from textual.widgets._select import SelectOverlay

from csvc_core.sharing.disclosure import Grounds, Recipient
from csvc_core.store import Store, consents, disclosures, drafts, people
from tests.support.constants import CANARY, FAST_KDF, PASSPHRASE
from tests.support.tui import mounted_text, screen_text, wait_for
from tests.support.tui_sharing import POLICE, World, make_world, open_sharing

BERTHE = {"CSVC_USER": "berthe", "CSVC_PASSPHRASE": PASSPHRASE}


@pytest.fixture
def world(store: Store) -> World:
    return make_world(store)


def police_id(world: World) -> str:
    return next(org.id for org in world.alice.run(people.list_organisations) if org.name == POLICE)


def consent_to_police(world: World, categories: tuple[str, ...] = ("identity", "safe_contact")) -> str:
    return str(
        world.berthe.run(
            consents.give_consent,
            world.case_id,
            person="victim",
            purpose="plan de sécurité",
            categories=categories,
            partner_sector="police",
            partner=POLICE,
            expires_at=datetime.now(UTC) + timedelta(days=30),
        )
    )


# -- the keyboard
async def focus(pilot: Any, widget_id: str) -> Any:
    """Tab to the widget ``widget_id`` (as a person moves through a form)."""
    app = pilot.app
    for _ in range(40):
        if app.focused is not None and app.focused.id == widget_id:
            return app.focused
        await pilot.press("tab")
    raise AssertionError(f"Tab never reached #{widget_id}; screen:\n{screen_text(app)}")


async def choose(pilot: Any, widget_id: str, value: str) -> None:
    """Open the choice with Enter, move to ``value`` with the arrows, Enter."""
    select = await focus(pilot, widget_id)
    assert isinstance(select, Select)
    index = [option for _, option in select._options].index(value)
    await pilot.press("enter")
    overlay = select.query_one(SelectOverlay)
    await wait_for(pilot, lambda: select.expanded)
    while overlay.highlighted != index:
        await pilot.press("down" if (overlay.highlighted or 0) < index else "up")
    await pilot.press("enter")
    await wait_for(pilot, lambda: select.value == value)


async def tick(pilot: Any, widget_id: str, *values: str) -> None:
    """Move to each value with the arrows and tick it with Space."""
    ticks = await focus(pilot, widget_id)
    assert isinstance(ticks, SelectionList)
    for value in values:
        index = next(i for i in range(ticks.option_count) if ticks.get_option_at_index(i).value == value)
        while ticks.highlighted != index:
            await pilot.press("down" if (ticks.highlighted or 0) < index else "up")
        await pilot.press("space")
        await wait_for(pilot, lambda value=value: value in ticks.selected)


async def type_into(pilot: Any, widget_id: str, text: str) -> None:
    await focus(pilot, widget_id)
    await pilot.press(*text)


def stacked(app: Any, *kinds: type) -> list[Any]:
    """The screens of these kinds still in any mode's stack."""
    return [screen for stack in app._screen_stacks.values() for screen in stack if isinstance(screen, kinds)]


# -- consent and share
async def test_record_a_consent_then_share_under_it(make_app: Any, world: World) -> None:
    app = make_app(environ=BERTHE)
    async with app.run_test() as pilot:
        sharing = await open_sharing(app, pilot)
        assert "Aucun consentement noté." in screen_text(app)
        await pilot.press("c")
        form = await wait_for(pilot, lambda: isinstance(app.screen, ConsentForm) and app.screen)
        assert form.query_one("#consent-categories", SelectionList).selected == []  # nothing ticked
        await choose(pilot, "consent-partner", f"org:{police_id(world)}")
        await type_into(pilot, "consent-purpose", "plan de sécurité")
        await choose(pilot, "consent-days", "30")
        await tick(pilot, "consent-categories", "identity", "safe_contact")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is sharing and "en vigueur" in screen_text(app))
        [consent] = world.berthe.run(consents.list_consents, world.case_id)
        assert consent.status == "active" and consent.partner == POLICE and consent.person == "victim"
        assert consent.categories == ("identity", "safe_contact") and consent.purpose == "plan de sécurité"
        assert timedelta(days=29) < consent.expires_at - consent.given_at <= timedelta(days=30)

        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ShareForm))
        await choose(pilot, "share-to", police_id(world))
        await tick(pilot, "share-categories", "safe_contact")
        await wait_for(pilot, lambda: "permis : consentement en vigueur" in screen_text(app))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is sharing and "Partage (consentement)" in screen_text(app))
    [line] = world.register()
    assert (line.kind, line.basis, line.recipient) == ("share", "consent", POLICE)
    assert line.information == ("safe_contact",) and line.purpose == "plan de sécurité"


async def test_a_share_outside_the_consent_is_refused_with_its_reason(make_app: Any, world: World) -> None:
    consent_to_police(world)
    app = make_app(environ=BERTHE)
    async with app.run_test() as pilot:
        await open_sharing(app, pilot)
        await pilot.press("p")
        form = await wait_for(pilot, lambda: isinstance(app.screen, ShareForm) and app.screen)
        await choose(pilot, "share-to", police_id(world))
        await tick(pilot, "share-categories", "safe_contact", "health")
        reason = f"catégorie santé : aucun consentement ne permet de la communiquer à {POLICE}"
        guard = form.query_one("#share-guard")
        await wait_for(pilot, lambda: "Refusé :" in screen_text(app) and reason in str(guard.content))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: reason in str(form.query_one("#form-error").content))
        assert app.screen is form
    assert world.register() == []


async def test_withdraw_a_consent_after_confirming(make_app: Any, world: World) -> None:
    consent_id = consent_to_police(world)
    app = make_app(environ=BERTHE)
    async with app.run_test() as pilot:
        sharing = await open_sharing(app, pilot)
        consent_list = await focus(pilot, "consents")
        assert isinstance(consent_list, OptionList)
        await pilot.press("home")
        await pilot.press("r")
        await wait_for(pilot, lambda: "Non, garder le consentement" in screen_text(app))
        await pilot.press("enter")  # the highlighted answer keeps it
        await wait_for(pilot, lambda: app.screen is sharing)
        assert world.berthe.run(consents.list_consents, world.case_id)[0].withdrawn_at is None
        await pilot.press("r")
        await wait_for(pilot, lambda: "Oui, retirer maintenant" in screen_text(app))
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: app.screen is sharing and "[retiré]" in screen_text(app))
    [consent] = world.berthe.run(consents.list_consents, world.case_id)
    assert consent.id == consent_id and consent.status == "withdrawn" and consent.withdrawn_at is not None
    decision = world.berthe.run(consents.may_share, world.case_id, ["identity"], POLICE)
    assert not decision.allowed and decision.reasons[0].code == "consent_withdrawn"


# -- disclosure without consent (art. 60.4)
async def test_a_disclosure_from_the_keyboard_with_its_guards(make_app: Any, world: World) -> None:
    app = make_app(environ=BERTHE)
    async with app.run_test() as pilot:
        sharing = await open_sharing(app, pilot)
        await pilot.press("u")
        form = await wait_for(pilot, lambda: isinstance(app.screen, DisclosureForm) and app.screen)
        assert form.query_one("#disclose-fields", SelectionList).selected == []  # nothing ticked
        # the risk is not ticked: the core refuses, nothing is recorded
        await type_into(pilot, "disclose-exposed", "la victime et ses deux enfants")
        await type_into(pilot, "disclose-urgency", "il a annoncé venir ce soir")
        await choose(pilot, "disclose-imminence", "hours")
        await type_into(pilot, "disclose-cause", "menaces de mort répétées, arme au domicile")
        await type_into(pilot, "disclose-violence", "homicide conjugal")
        await type_into(pilot, "disclose-danger", "arme à feu accessible")
        await choose(pilot, "disclose-category", "able_to_help")
        await choose(pilot, "disclose-kind", "other")  # a landlord has no protective role
        await choose(pilot, "disclose-org", police_id(world))
        assert form.query_one("#disclose-name").value == POLICE
        await tick(pilot, "disclose-fields", "victim.1.safe_contact")
        await pilot.press("ctrl+s")
        error = form.query_one("#form-error")
        await wait_for(pilot, lambda: "précisez le risque sérieux" in str(error.content))
        assert "autre (propriétaire" in str(error.content) and "n'a pas de rôle de protection" in str(
            error.content
        )
        assert app.screen is form and world.berthe.run(disclosures.list_disclosures, world.case_id) == []
        # each condition answered, a recipient able to help: the summary, then the record
        await tick(pilot, "disclose-harms", "death")
        await choose(pilot, "disclose-kind", "police")
        await pilot.press("ctrl+s")
        summary = await wait_for(pilot, lambda: isinstance(app.screen, DisclosureSummary) and app.screen)
        assert "Rien n'est encore inscrit" in screen_text(app)
        assert world.berthe.run(disclosures.list_disclosures, world.case_id) == []
        await pilot.press("i")
        await wait_for(
            pilot, lambda: app.screen is sharing and "Communication (sans consentement" in screen_text(app)
        )
        assert not summary.is_attached
        # the register shows it, Enter reads the whole entry
        await focus(pilot, "communications")
        await pilot.press("home", "enter")
        entry = await wait_for(pilot, lambda: isinstance(app.screen, DisclosureEntryScreen) and app.screen)
        await wait_for(pilot, lambda: "homicide conjugal" in screen_text(app))
        await pilot.press("a")  # a remark beside the entry; the entry itself never changes
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "answer")
        await pilot.press(*"police rappelée à 22 h", "enter")
        await wait_for(pilot, lambda: app.screen is entry and "police rappelée à 22 h" in screen_text(app))
    [made] = world.berthe.run(disclosures.list_disclosures, world.case_id)
    assert made.fields == ("victim.1.safe_contact",) and made.recipient_org == POLICE
    record = world.berthe.run(disclosures.read_disclosure, made.id)
    assert record.harms == ("death",) and record.imminence == "hours" and record.recipient_kind == "police"
    assert record.exposed == "la victime et ses deux enfants" and record.sent["victim.1.safe_contact"]
    assert [note["text"] for note in record.annotations] == ["police rappelée à 22 h"]
    [line] = world.register()
    assert (line.kind, line.basis, line.information) == ("disclosure", "art_60_4", ("victim.1.safe_contact",))
    assert (
        world.berthe.run(drafts.read_draft, world.case_id, DISCLOSURE_DRAFT) is None
    )  # recorded: the draft is gone
    assert world.store.verify_audit().ok


def disclose_to_police(world: World) -> str:
    return str(
        world.berthe.run(
            disclosures.disclose,
            world.case_id,
            recipient=Recipient(name=POLICE, kind="police", category="able_to_help"),
            recipient_org=POLICE,
            grounds=Grounds(
                reasonable_cause="menaces répétées",
                harms=frozenset({"death"}),
                exposed="la victime",
                violence="homicide conjugal",
                danger="arme à feu accessible",
                urgency="libération demain",
                imminence="days",
            ),
            fields=["victim.1.contact"],
        )
    )


async def test_a_partner_finds_what_it_received(make_app: Any, world: World) -> None:
    disclose_to_police(world)
    with world.store.unlock("paula", PASSPHRASE) as police_admin:
        police_admin.run(people.add_user, "chantal", "worker", PASSPHRASE, kdf=FAST_KDF)
    app = make_app(environ={"CSVC_USER": "chantal", "CSVC_PASSPHRASE": PASSPHRASE})
    async with app.run_test() as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CasesScreen))
        await pilot.press("p")
        await wait_for(
            pilot, lambda: isinstance(app.screen, ReceivedScreen) and world.case_id in screen_text(app)
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: "555-0199" in screen_text(app))
        shown = str(app.screen.query_one("#received-case", Static).content)
        assert "Communication sans consentement (art. 60.4)" in shown
        assert "Transmis par berthe (Maison Aurore)" in shown  # whom to call back
        assert "Téléphone : 555-0199" in shown and "{" not in shown  # in words, not a program's notation
        assert "Ce qui crée l'urgence : libération demain" in shown and "Imminence : dans les jours" in shown
        assert "Danger identifié : arme à feu accessible" in shown


# -- the privacy key
async def test_the_privacy_key_drops_the_sharing_screens(make_app: Any, world: World) -> None:
    consent_to_police(world)
    app = make_app(environ=BERTHE)
    async with app.run_test() as pilot:
        await open_sharing(app, pilot)
        assert "plan de sécurité" in screen_text(app)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, DisclosureForm))
        await type_into(pilot, "disclose-exposed", "Ophélie Témoinfictif")
        await pilot.press("f12")
        kinds = (SharingScreen, DisclosureForm, CaseScreen)
        await wait_for(pilot, lambda: isinstance(app.screen, GateScreen) and not stacked(app, *kinds))
        await pilot.pause()
        left = mounted_text(app)
        assert "Ophélie" not in left and "plan de sécurité" not in left and CANARY not in left
        assert not app.workspace.unlocked


def test_every_sharing_binding_and_word_is_in_both_catalogues() -> None:
    from csvc_tui.screens import consent, disclosure, sharing, sharing_form

    from csvc_core.i18n import catalogue
    from csvc_core.sharing.access import CONSENT, DISCLOSURE, OWNER, REFERRAL, TRANSFERRED_OUT
    from csvc_core.sharing.categories import CATEGORIES
    from csvc_core.sharing.disclosure import ABLE_TO_HELP_KINDS, HARMS, IMMINENCE, RECIPIENT_CATEGORIES

    classes = [
        sharing.SharingScreen,
        sharing.DisclosureEntryScreen,
        sharing.ReceivedScreen,
        sharing_form.SharingForm,
        sharing_form.ChoiceOverlay,
        consent.ConsentForm,
        disclosure.DisclosureSummary,
        CaseScreen,
        CasesScreen,
    ]
    wanted = {
        f"tui.{part}.{binding.id}"
        for cls in classes
        for binding in cls.BINDINGS
        for part in ("keys", "binding", "tooltip")
    }
    vocabularies = {
        "category": CATEGORIES,
        "harm": HARMS,
        "imminence": IMMINENCE,
        "recipient_category": RECIPIENT_CATEGORIES,
        "kind": (*ABLE_TO_HELP_KINDS, disclosure.OTHER_KIND, *RECIPIENT_CATEGORIES[:2]),
        "consent_status": ("not_yet", "active", "expired", "withdrawn"),
        "communication": ("disclosure", "share", "referral", "transfer"),
        "basis": ("consent", "art_60_4", "law"),
        "access": (OWNER, REFERRAL, CONSENT, DISCLOSURE, TRANSFERRED_OUT),
        "field": ("label", "compromission", "assessments", "assessment_factors", "actions", "events", "case"),
    }
    wanted |= {f"tui.{name}.{code}" for name, codes in vocabularies.items() for code in codes}
    for lang in ("fr", "en"):
        assert sorted(wanted - set(catalogue(lang))) == []


async def test_what_is_typed_in_the_disclosure_form_survives_a_lock(make_app: Any, world: World) -> None:
    app = make_app(environ=BERTHE)
    async with app.run_test() as pilot:
        await open_sharing(app, pilot)
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, DisclosureForm))
        await tick(pilot, "disclose-harms", "death")
        await type_into(pilot, "disclose-exposed", "la victime et ses enfants")
        await wait_for(
            pilot,
            lambda: (world.berthe.run(drafts.read_draft, world.case_id, DISCLOSURE_DRAFT) or {}).get(
                "exposed"
            ),
        )
        await pilot.press("f12")
        await wait_for(pilot, lambda: isinstance(app.screen, GateScreen) and not stacked(app, DisclosureForm))
        assert "la victime et ses enfants" not in mounted_text(app)
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "unlock-passphrase")
        await pilot.press(*PASSPHRASE, "enter")
        sharing = await open_sharing(app, pilot)
        await wait_for(pilot, lambda: "est en cours, pas encore inscrite" in screen_text(app))
        await pilot.press("u")
        form = await wait_for(pilot, lambda: isinstance(app.screen, DisclosureForm) and app.screen)
        await wait_for(
            pilot, lambda: form.query_one("#disclose-exposed").value == "la victime et ses enfants"
        )
        assert form.query_one("#disclose-harms", SelectionList).selected == ["death"]
        assert form.query_one("#disclose-fields", SelectionList).selected == []
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is sharing)
    assert world.berthe.run(disclosures.list_disclosures, world.case_id) == []
    assert (
        world.berthe.run(drafts.read_draft, world.case_id, DISCLOSURE_DRAFT)["exposed"]
        == "la victime et ses enfants"
    )


def test_a_sharing_form_that_does_not_say_how_it_submits_cannot_be_made() -> None:
    from csvc_tui.screens.sharing_form import SharingForm

    class Unfinished(SharingForm):
        """A form without its ``submit``."""

    for form in (SharingForm, Unfinished):
        with pytest.raises(TypeError, match="submit"):
            form()
    assert ConsentForm.__abstractmethods__ == DisclosureForm.__abstractmethods__ == frozenset()


# -- at an 80x24 terminal, in a hurry
async def open_disclosure(app: Any, pilot: Any) -> DisclosureForm:
    await open_sharing(app, pilot)
    await pilot.press("u")
    return await wait_for(pilot, lambda: isinstance(app.screen, DisclosureForm) and app.screen)


async def test_keys_typed_right_after_tab_land_in_the_next_field(make_app: Any, world: World) -> None:
    app = make_app(environ=BERTHE)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_disclosure(app, pilot)
        await focus(pilot, "disclose-exposed")
        # as a terminal sends them: all at once, nothing waits for the focus to move
        for key, character in [*((c, c) for c in "elle"), ("tab", "\t"), *((c, c) for c in "ce soir")]:
            app.post_message(events.Key(key, character))
        urgency = form.query_one("#disclose-urgency", Input)
        await wait_for(pilot, lambda: urgency.value == "ce soir")
        assert form.query_one("#disclose-exposed", Input).value == "elle"


async def test_the_urgent_disclosure_key_is_on_the_bar_at_80_columns(make_app: Any, world: World) -> None:
    app = make_app(environ=BERTHE)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sharing(app, pilot)
        bar = screen_text(app).splitlines()[-1]
        assert "u Urgence 60.4" in bar and "f12 Masquer" in bar
        await pilot.press("u")
        await wait_for(pilot, lambda: isinstance(app.screen, DisclosureForm))
        bar = screen_text(app).splitlines()[-1]
        assert "^s Vérifier" in bar and "Valider" not in bar  # Ctrl+S checks; the summary records


async def test_a_refusal_puts_the_cursor_on_the_first_field_to_correct(make_app: Any, world: World) -> None:
    app = make_app(environ=BERTHE)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_disclosure(app, pilot)
        await tick(pilot, "disclose-harms", "death")
        await type_into(pilot, "disclose-exposed", "la victime")
        await choose(pilot, "disclose-imminence", "hours")
        await type_into(pilot, "disclose-cause", "menaces répétées")
        await pilot.press("ctrl+s")  # the urgency, the act, the danger, the recipient, the fields are missing
        await wait_for(pilot, lambda: "manque" in str(form.query_one("#form-error").content))
        await wait_for(pilot, lambda: app.focused is form.query_one("#disclose-urgency"))
        await pilot.press(*"il arrive ce soir")  # typed where the cursor is: the first missing field
        assert form.text("disclose-urgency") == "il arrive ce soir"
        await type_into(pilot, "disclose-violence", "homicide conjugal")
        await type_into(pilot, "disclose-danger", "arme")
        await choose(pilot, "disclose-category", "able_to_help")
        await choose(pilot, "disclose-kind", "police")
        await type_into(pilot, "disclose-name", "Police Rivière")
        await pilot.press("ctrl+s")  # only the fields are missing now
        await wait_for(pilot, lambda: app.focused is form.query_one("#disclose-fields"))
        await pilot.press("space", "ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DisclosureSummary))


async def test_the_lists_act_on_their_first_line_from_the_start(make_app: Any, world: World) -> None:
    consent_to_police(world)
    disclose_to_police(world)
    app = make_app(environ=BERTHE)
    async with app.run_test(size=(80, 24)) as pilot:
        sharing = await open_sharing(app, pilot)
        await wait_for(pilot, lambda: app.focused is sharing.query_one("#consents"))
        await pilot.press("r")  # the consent in force is the one chosen, no arrow needed
        await wait_for(pilot, lambda: "Non, garder le consentement" in screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is sharing)
        await pilot.press("tab", "enter")  # the most recent communication opens at once
        await wait_for(pilot, lambda: isinstance(app.screen, DisclosureEntryScreen))
        await wait_for(pilot, lambda: "arme à feu accessible" in screen_text(app))
