"""Dagster resources: where the lake lives and the pseudonym key, both from the environment."""


from pathlib import Path

import dagster as dg

from assets.common.pseudonyms import KEY_VARIABLE, KeyMismatch, Pseudonymiser, record_key_kind
from warehouse.lake import Lake


class LakeResource(dg.ConfigurableResource):
    """The lake root (`URBANLAKE_HOME`) and the secret behind pseudonyms (`URBANLAKE_PSEUDONYM_KEY`).

    Both are `dg.EnvVar`s: Dagster resolves them when a run starts and shows only the variable's
    name in the UI, the run config and the event log, never the key.
    """

    home: str
    pseudonym_key: str

    @property
    def lake(self) -> Lake:
        return Lake(Path(self.home).resolve())

    def pseudonymiser(self) -> Pseudonymiser:
        """The key as a pseudonymiser; the lake notes (or checks) whether it is the demo key or a real one."""
        try:
            pseudonymiser = Pseudonymiser(self.pseudonym_key)
            record_key_kind(self.lake, pseudonymiser.kind)
        except (ValueError, KeyMismatch) as err:
            raise dg.Failure(description=f"{KEY_VARIABLE}: {err}", allow_retries=False) from None
        return pseudonymiser


def lake_resource_from_env() -> LakeResource:
    return LakeResource(home=dg.EnvVar("URBANLAKE_HOME"), pseudonym_key=dg.EnvVar(KEY_VARIABLE))
