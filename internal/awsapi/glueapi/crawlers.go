package glueapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/shoal-dev/shoal/internal/awsapi"
	"github.com/shoal-dev/shoal/internal/crawler"
)

// addCrawlerOps adds the crawler operations to ops.
func (a *api) addCrawlerOps(ops map[string]awsapi.JSONOp) {
	ops["CreateCrawler"] = crawlerOp(a, a.createCrawler)
	ops["GetCrawler"] = crawlerOp(a, a.getCrawler)
	ops["GetCrawlers"] = crawlerOp(a, a.getCrawlers)
	ops["BatchGetCrawlers"] = crawlerOp(a, a.batchGetCrawlers)
	ops["ListCrawlers"] = crawlerOp(a, a.listCrawlers)
	ops["UpdateCrawler"] = crawlerOp(a, a.updateCrawler)
	ops["DeleteCrawler"] = crawlerOp(a, a.deleteCrawler)
	ops["StartCrawler"] = crawlerOp(a, a.startCrawler)
	ops["StopCrawler"] = crawlerOp(a, a.stopCrawler)
	ops["GetCrawlerMetrics"] = crawlerOp(a, a.getCrawlerMetrics)
	ops["UpdateCrawlerSchedule"] = crawlerOp(a, a.updateCrawlerSchedule)
	ops["StartCrawlerSchedule"] = crawlerOp(a, a.startCrawlerSchedule)
	ops["StopCrawlerSchedule"] = crawlerOp(a, a.stopCrawlerSchedule)
	ops["ListCrawls"] = crawlerOp(a, a.listCrawls)
}

func crawlerOp[In any](a *api, fn func(ctx context.Context, in *In) (any, error)) awsapi.JSONOp {
	return awsapi.Op(fn, a.crawlerError)
}

// crawlerError maps crawler service errors onto Glue's exceptions.
func (a *api) crawlerError(ctx context.Context, op string, err error) error {
	var ce *crawler.Error
	if !errors.As(err, &ce) {
		return a.apiError(ctx, op, err)
	}
	code := "InvalidInputException"
	for kind, c := range map[error]string{
		crawler.ErrNotFound:            "EntityNotFoundException",
		crawler.ErrAlreadyExists:       "AlreadyExistsException",
		crawler.ErrRunning:             "CrawlerRunningException",
		crawler.ErrNotRunning:          "CrawlerNotRunningException",
		crawler.ErrStopping:            "CrawlerStoppingException",
		crawler.ErrSchedulerRunning:    "SchedulerRunningException",
		crawler.ErrSchedulerNotRunning: "SchedulerNotRunningException",
		crawler.ErrSchedulerTransition: "SchedulerTransitioningException",
		crawler.ErrNoSchedule:          "NoScheduleException",
	} {
		if errors.Is(err, kind) {
			code = c
		}
	}
	return awsapi.Errorf(http.StatusBadRequest, code, "%s", ce.Error())
}

type createCrawlerRequest struct {
	crawlerFields
	Tags map[string]string
}

func (a *api) createCrawler(ctx context.Context, in *createCrawlerRequest) (any, error) {
	if err := a.checkCrawlerFields(&in.crawlerFields); err != nil {
		return nil, err
	}
	switch {
	case in.Role == nil:
		return nil, missing("role")
	case in.Targets == nil:
		return nil, missing("targets")
	}
	def := crawler.Definition{Name: *in.Name}
	in.applyTo(&def)
	return empty{}, a.opts.Crawlers.Create(ctx, def, in.Tags)
}

func (a *api) checkCrawlerFields(in *crawlerFields) error {
	if err := a.checkCatalog(in.CatalogId); err != nil {
		return err
	}
	if in.Name == nil {
		return missing("name")
	}
	return in.check()
}

func (a *api) updateCrawler(ctx context.Context, in *crawlerFields) (any, error) {
	if err := a.checkCrawlerFields(in); err != nil {
		return nil, err
	}
	return empty{}, a.opts.Crawlers.Update(ctx, *in.Name, func(def *crawler.Definition) error {
		in.applyTo(def)
		return nil
	})
}

type crawlerNameRequest struct {
	Name *string
}

func (a *api) getCrawler(ctx context.Context, in *crawlerNameRequest) (any, error) {
	if in.Name == nil {
		return nil, missing("name")
	}
	c, err := a.opts.Crawlers.Get(ctx, *in.Name)
	if err != nil {
		return nil, err
	}
	return struct{ Crawler crawlerOut }{crawlerShape(c)}, nil
}

type pageRequest struct {
	MaxResults *int32
	NextToken  *string
}

func (p *pageRequest) page() (crawler.Page, error) {
	max, err := checkMax(p.MaxResults, 1000)
	return crawler.Page{Token: deref(p.NextToken), Max: max}, err
}

type getCrawlersResponse struct {
	Crawlers  []crawlerOut
	NextToken string `json:",omitempty"`
}

func (a *api) getCrawlers(ctx context.Context, in *pageRequest) (any, error) {
	p, err := in.page()
	if err != nil {
		return nil, err
	}
	cs, next, err := a.opts.Crawlers.List(ctx, p)
	if err != nil {
		return nil, err
	}
	resp := getCrawlersResponse{Crawlers: []crawlerOut{}, NextToken: next}
	for i := range cs {
		resp.Crawlers = append(resp.Crawlers, crawlerShape(&cs[i]))
	}
	return resp, nil
}

type batchGetCrawlersRequest struct {
	CrawlerNames []string
}

func (a *api) batchGetCrawlers(ctx context.Context, in *batchGetCrawlersRequest) (any, error) {
	if err := checkLen("crawlerNames", len(in.CrawlerNames), 0, 100); err != nil {
		return nil, err
	}
	resp := struct {
		Crawlers         []crawlerOut
		CrawlersNotFound []string
	}{Crawlers: []crawlerOut{}, CrawlersNotFound: []string{}}
	for _, name := range in.CrawlerNames {
		c, err := a.opts.Crawlers.Get(ctx, name)
		switch {
		case errors.Is(err, crawler.ErrNotFound):
			resp.CrawlersNotFound = append(resp.CrawlersNotFound, name)
		case err != nil:
			return nil, err
		default:
			resp.Crawlers = append(resp.Crawlers, crawlerShape(c))
		}
	}
	return resp, nil
}

type listCrawlersRequest struct {
	pageRequest
	Tags map[string]string
}

func (a *api) listCrawlers(ctx context.Context, in *listCrawlersRequest) (any, error) {
	p, err := in.page()
	if err != nil {
		return nil, err
	}
	names, next, err := a.opts.Crawlers.Names(ctx, in.Tags, p)
	if err != nil {
		return nil, err
	}
	if names == nil {
		names = []string{}
	}
	return struct {
		CrawlerNames []string
		NextToken    string `json:",omitempty"`
	}{names, next}, nil
}

func (a *api) deleteCrawler(ctx context.Context, in *crawlerNameRequest) (any, error) {
	if in.Name == nil {
		return nil, missing("name")
	}
	return empty{}, a.opts.Crawlers.Delete(ctx, *in.Name)
}

func (a *api) startCrawler(ctx context.Context, in *crawlerNameRequest) (any, error) {
	if in.Name == nil {
		return nil, missing("name")
	}
	return empty{}, a.opts.Crawlers.StartCrawl(ctx, *in.Name)
}

func (a *api) stopCrawler(ctx context.Context, in *crawlerNameRequest) (any, error) {
	if in.Name == nil {
		return nil, missing("name")
	}
	return empty{}, a.opts.Crawlers.StopCrawl(ctx, *in.Name)
}

type getCrawlerMetricsRequest struct {
	pageRequest
	CrawlerNameList []string
}

func (a *api) getCrawlerMetrics(ctx context.Context, in *getCrawlerMetricsRequest) (any, error) {
	if err := checkLen("crawlerNameList", len(in.CrawlerNameList), 0, 100); err != nil {
		return nil, err
	}
	p, err := in.page()
	if err != nil {
		return nil, err
	}
	ms, next, err := a.opts.Crawlers.Metrics(ctx, in.CrawlerNameList, p)
	if err != nil {
		return nil, err
	}
	if ms == nil {
		ms = []crawler.Metrics{}
	}
	return struct {
		CrawlerMetricsList []crawler.Metrics
		NextToken          string `json:",omitempty"`
	}{ms, next}, nil
}

type crawlerScheduleRequest struct {
	CrawlerName *string
	Schedule    *string
}

func (a *api) updateCrawlerSchedule(ctx context.Context, in *crawlerScheduleRequest) (any, error) {
	if in.CrawlerName == nil {
		return nil, missing("crawlerName")
	}
	return empty{}, a.opts.Crawlers.UpdateSchedule(ctx, *in.CrawlerName, deref(in.Schedule))
}

type crawlerNameOnlyRequest struct {
	CrawlerName *string
}

func (a *api) startCrawlerSchedule(ctx context.Context, in *crawlerNameOnlyRequest) (any, error) {
	if in.CrawlerName == nil {
		return nil, missing("crawlerName")
	}
	return empty{}, a.opts.Crawlers.StartSchedule(ctx, *in.CrawlerName)
}

func (a *api) stopCrawlerSchedule(ctx context.Context, in *crawlerNameOnlyRequest) (any, error) {
	if in.CrawlerName == nil {
		return nil, missing("crawlerName")
	}
	return empty{}, a.opts.Crawlers.StopSchedule(ctx, *in.CrawlerName)
}
