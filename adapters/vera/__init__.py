"""Reference adapter `vera`: a corporation system speaking VERA WRV 4.3 REST/JSON.

- `mapping`: pure translation, canonical message <-> VERA resource body (see its docstring for how the
  envelope and the fields VERA has no attribute for travel in `extra-attributen`);
- `adapter`: `VeraAdapter`, the transport (deliver, poll with VERA cursor paging, webhooks);
- `writeback`: pure merge of Woonbrug's fields into the record a vendor holds (write-back never replaces);
- `eenheidstatus`: which polled units are vacancies, from VERA's EENHEIDSTATUS code list;
- `config`: `VeraConfig` (API key or OAuth2 client credentials; env prefix `WOONBRUG_VERA_`);
- `simulator`: `VeraSimulator`, a local VERA WRV API for tests, the demo and the contract kit.
"""

from adapters.vera.adapter import VeraAdapter
from adapters.vera.config import VeraConfig

__all__ = ["VeraAdapter", "VeraConfig"]
