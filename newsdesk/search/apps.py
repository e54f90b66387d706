from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "newsdesk.search"
    label = "search"
    verbose_name = "Search index"

    def ready(self) -> None:
        from newsdesk.search.index import index_changed_story
        from newsdesk.stories.signals import story_changed

        story_changed.connect(index_changed_story, dispatch_uid="newsdesk.search.index")
