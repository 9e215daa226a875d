from scoring.options import LLMSettings


def test_hosted_model_without_a_key_leaves_the_key_to_the_provider_variable():
    # litellm reads OPENAI_API_KEY / ANTHROPIC_API_KEY itself; a placeholder would override it.
    assert LLMSettings(model="openai/gpt-4o-mini").connection() == {"model": "openai/gpt-4o-mini"}
    assert (
        "api_key"
        not in LLMSettings(
            model="anthropic/claude-x", api_base="https://proxy.example"
        ).connection()
    )


def test_local_openai_compatible_server_gets_a_placeholder_key():
    kw = LLMSettings(model="openai/local", api_base="http://127.0.0.1:9/v1").connection()
    assert kw == {"model": "openai/local", "api_base": "http://127.0.0.1:9/v1", "api_key": "none"}


def test_a_given_key_is_passed_and_never_shown():
    s = LLMSettings(
        model="ollama_chat/llama3.1", api_base="http://localhost:11434", api_key="sk-secret"
    )
    assert s.connection()["api_key"] == "sk-secret"
    assert "sk-secret" not in repr(s) and "sk-secret" not in str(s)
