"""Dagster resources: where the lake lives and the pseudonym key, both from the environment."""


from pathlib import Path

import dagster as dg

from assets.common.pseudonyms import Pseudonymiser
from warehouse.lake import Lake


class LakeResource(dg.ConfigurableResource):
    """The lake root (`URBANLAKE_HOME`) and the secret behind pseudonyms (`URBANLAKE_PSEUDONYM_KEY`)."""

    home: str
    pseudonym_key: str

    @property
    def lake(self) -> Lake:
        return Lake(Path(self.home).resolve())

    def pseudonymiser(self) -> Pseudonymiser:
        return Pseudonymiser(self.pseudonym_key)


def lake_resource_from_env() -> LakeResource:
    return LakeResource(home=dg.EnvVar("URBANLAKE_HOME"), pseudonym_key=dg.EnvVar("URBANLAKE_PSEUDONYM_KEY"))
