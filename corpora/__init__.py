"""Named corpora: ``catalog.json`` in this folder describes each (installed as ``wordvec.corpora``)."""
