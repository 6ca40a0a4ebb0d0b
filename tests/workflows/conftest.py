import pytest

pytestmark = pytest.mark.workflow
