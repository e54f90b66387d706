from django.contrib.sitemaps import Sitemap

from newsdesk.stories.models import Story, Tag


class StorySitemap(Sitemap):
    changefreq = "hourly"
    limit = 5000

    def items(self):
        return Story.objects.filter(merged_into__isnull=True, article_count__gt=0).order_by(
            "-last_published"
        )

    def lastmod(self, story: Story):
        return story.updated_at


class TagSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Tag.objects.order_by("name")


SITEMAPS = {"stories": StorySitemap, "tags": TagSitemap}
