"""Regenerate ``function_words.tsv`` from wordfreq's shipped lists (from the project root)::

    .venv/bin/python newsdesk/core/data/make_function_words.py \
        > newsdesk/core/data/function_words.tsv

A language's function words are its most frequent words (Zipf 6 or more in wordfreq's "small"
list: about one word in a thousand and commoner), less those that are common English words too
(Zipf 5 or more in English), which English text uses as English. Latin-script languages only:
their words are the ones that can pass for English terms. Stored as a file because loading
every language's list at run time would cost about 100 MB of memory for a few thousand words.
"""

import wordfreq

LANGUAGES = "ca cs da de es fi fil fr hu id is it lt lv ms nb nl pl pt ro sh sk sl sv tr vi".split()


def main() -> None:
    print("# Function words of other languages: language <TAB> space-separated words.")
    print("# Derived from the wordfreq package's lists (CC BY-SA 4.0) by make_function_words.py;")
    print("# read by newsdesk/core/lexicon.py (function_words).")
    for language in LANGUAGES:
        words = sorted(
            word
            for word in wordfreq.top_n_list(language, 400, wordlist="small")
            if word.isalpha()
            and wordfreq.zipf_frequency(word, language, wordlist="small") >= 6.0
            and wordfreq.zipf_frequency(word, "en", wordlist="small") < 5.0
        )
        print(f"{language}\t{' '.join(words)}")


if __name__ == "__main__":
    main()
