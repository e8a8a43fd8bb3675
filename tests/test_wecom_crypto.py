"""WeCom callback crypto against the official test vectors (platform-facts.md), and what it refuses."""

from __future__ import annotations

import pytest

from coachbot.platforms.wecom.crypto import CryptoError, WeComCrypto, signature

A = WeComCrypto("hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo", "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", "ww1436e0e65a779aee")
A_ECHO = "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
A_MSG = ("Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kk"
         "YcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4"
         "Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f"
         "49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+")
B = WeComCrypto("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7")
B_ECHO = "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ=="
B_MSG = ("RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJT"
         "s3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5"
         "gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQ"
         "Uax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uy"
         "PIGHBZZIs2pDBS8R07+qN+E7Q==")


def test_official_vectors_set_a():
    assert A.open("012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", "1476416373", "47744683", A_ECHO) == "1288432023552776189"
    plain = A.open("0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914", A_MSG)
    assert plain == ("<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName>"
                     "<CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content>"
                     "<MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>")


def test_official_vectors_set_b():
    assert B.open("5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3", "1409659589", "263014780", B_ECHO) == "1616140317555161061"
    plain = B.open("477715d11cdb4164915debcba66cb864d751f3e6", "1409659813", "1372623149", B_MSG)
    assert "<FromUserName><![CDATA[mycreate]]></FromUserName>" in plain and "<MsgId>4561255354251345929</MsgId>" in plain
    assert "<Content><![CDATA[hello]]></Content>" in plain and "<AgentID>218</AgentID>" in plain


def test_round_trip_and_the_ai_bots_empty_receiveid():
    bot = WeComCrypto(A.token, "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", "")
    encrypted, sig = bot.seal('{"msgtype":"text","text":{"content":"话术 爽约"}}', "1700000000", "n1")
    assert sig == signature(bot.token, "1700000000", "n1", encrypted)
    assert bot.open(sig, "1700000000", "n1", encrypted) == '{"msgtype":"text","text":{"content":"话术 爽约"}}'
    assert len(__import__("base64").b64decode(encrypted)) % 32 == 0         # padded to 32-byte blocks


@pytest.mark.parametrize("case", ["signature", "receiveid", "base64", "blocks", "tampered"])
def test_what_it_refuses(case):
    encrypted, sig = A.seal("<xml/>", "1", "2")
    if case == "signature":
        args = ("0" * 40, "1", "2", encrypted)
    elif case == "receiveid":
        other = WeComCrypto(A.token, "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt", "ww-someone-else")
        encrypted, sig = other.seal("<xml/>", "1", "2")
        args = (sig, "1", "2", encrypted)
    elif case == "base64":
        bad = "not base64 at all!"
        args = (signature(A.token, "1", "2", bad), "1", "2", bad)
    elif case == "blocks":
        bad = "QUJD"
        args = (signature(A.token, "1", "2", bad), "1", "2", bad)
    else:
        raw = bytearray(__import__("base64").b64decode(encrypted))
        raw[-1] ^= 0xFF
        bad = __import__("base64").b64encode(bytes(raw)).decode()
        args = (signature(A.token, "1", "2", bad), "1", "2", bad)
    with pytest.raises(CryptoError):
        A.open(*args)
