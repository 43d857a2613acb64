"""coursekit: the code behind *Training Neural Networks*.

The math lives in ``optim``, ``schedules``, ``backprop``, ``nn``, ``data``,
``landscapes``, ``train`` and one module per chapter idea (numpy only);
``plots`` (shared drawing primitives), ``explorer`` (the mechanism) and
``explorers/`` (one module per chapter, mapped in its docstring) draw it.
"""

__version__ = "0.1.0"
